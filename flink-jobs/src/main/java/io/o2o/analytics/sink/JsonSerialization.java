package io.o2o.analytics.sink;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.apache.flink.api.common.serialization.SerializationSchema;

/** Writes output records (visits, dead letters) as JSON with Jackson; records map field by field. */
public final class JsonSerialization<T> implements SerializationSchema<T> {
    private static final long serialVersionUID = 1L;

    private transient ObjectMapper mapper;

    @Override
    public byte[] serialize(T element) {
        try {
            return mapper().writeValueAsBytes(element);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write " + element.getClass().getSimpleName() + " as JSON", e);
        }
    }

    public String toJson(T element) {
        try {
            return mapper().writeValueAsString(element);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write " + element.getClass().getSimpleName() + " as JSON", e);
        }
    }

    private ObjectMapper mapper() {
        if (mapper == null) {
            mapper = JsonMapper.builder().build();
        }
        return mapper;
    }
}
