package io.o2o.analytics.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import io.o2o.analytics.records.InputTopic;
import io.o2o.analytics.records.RawRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The input contract as documented (docs/schemas/*.schema.json and the README's examples) is the one the
 * simulator writes and the parser accepts.
 */
class InputContractSchemaTest {
    private static final Path DOCS = Path.of("..", "docs", "schemas");
    private static final Map<InputTopic, JsonSchema> SCHEMAS = new EnumMap<>(InputTopic.class);

    @BeforeAll
    static void loadSchemas() throws Exception {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        for (InputTopic topic : InputTopic.values()) {
            Path file = DOCS.resolve(topic.defaultTopicName() + ".schema.json");
            SCHEMAS.put(topic, factory.getSchema(Files.readString(file)));
        }
    }

    @Test
    void everyGenuineSimulatedRecordConformsToItsTopicsSchema() {
        List<RawRecord> genuine = SimulationFixtures.genuine(SimulationFixtures.small());
        assertThat(genuine).extracting(RawRecord::topic).contains(InputTopic.values());
        for (RawRecord record : genuine) {
            assertThat(SCHEMAS.get(record.topic()).validate(SimulationFixtures.json(record.value())))
                    .as("%s %s", record.topic(), record.value())
                    .isEmpty();
        }
    }

    @Test
    void theReadmeExamplesConformAndBrokenOnesDoNot() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        Matcher row = Pattern.compile("^\\| `([a-z-]+)` \\|.*\\| `(\\{.*})` \\|$", Pattern.MULTILINE).matcher(readme);
        int examples = 0;
        while (row.find()) {
            InputTopic topic = InputTopic.valueOf(row.group(1).toUpperCase().replace('-', '_'));
            JsonNode example = SimulationFixtures.json(row.group(2).replace("...", ""));
            assertThat(SCHEMAS.get(topic).validate(example)).as(row.group(2)).isEmpty();
            examples++;
        }
        assertThat(examples).isEqualTo(InputTopic.values().length);

        JsonNode noLat = SimulationFixtures.json(
                "{\"deviceId\":\"d\",\"lon\":121.4,\"accuracyM\":5,\"ts\":1,\"source\":\"gps\"}");
        assertThat(SCHEMAS.get(InputTopic.LBS_PINGS).validate(noLat)).isNotEmpty();
        JsonNode doorWithoutCounts = SimulationFixtures.json(
                "{\"sensorId\":\"s\",\"storeId\":\"sh-001\",\"zoneId\":\"z\",\"kind\":\"door_counter\",\"ts\":1}");
        assertThat(SCHEMAS.get(InputTopic.STORE_SENSORS).validate(doorWithoutCounts)).isNotEmpty();
    }
}
