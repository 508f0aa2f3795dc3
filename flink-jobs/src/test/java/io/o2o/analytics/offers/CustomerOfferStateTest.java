package io.o2o.analytics.offers;

import static org.assertj.core.api.Assertions.assertThat;

import io.o2o.analytics.state.EventTimeExpiry;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class CustomerOfferStateTest {

    private static TypeSerializer<CustomerOfferState> serializer() {
        SerializerConfigImpl noGenericTypes = new SerializerConfigImpl();
        noGenericTypes.setGenericTypes(false);
        // Throws if any field, however nested, would fall back to Kryo.
        return TypeInformation.of(CustomerOfferState.class).createSerializer(noGenericTypes);
    }

    /** A customer with something in every field. */
    private static CustomerOfferState customer() {
        CustomerOfferState customer = new CustomerOfferState();
        customer.identifiers.addAll(List.of("member:m-1", "user:u-1", "device:d-1"));
        customer.optOuts.put("member:m-1", 1L);
        customer.segments.put("member:m-1", new String[] {"vip", "new"});
        customer.segments.put("user:u-1", new String[0]);
        customer.channels.put("app", 2L);
        customer.presence.put("store:sh-001", 3L);
        customer.presence.put("zone:sh-001-fitting-room", 4L);
        customer.lastPurchase.put("sh-001", 5L);
        customer.lastStoreActivity = 6L;
        customer.lastCleanup = 7L;
        customer.visitChecks.add(new VisitCheck("visit-1", "left", "sh-002", 8L, 9L, 10L));
        customer.sentOffers.add(new SentOffer("welcome-1", "welcome", 2, "sh-001", 11L, 12L, false));
        customer.sentOffers.add(new SentOffer("welcome-0", "welcome", 1, "sh-001", 11L, 13L, true));
        customer.sentPerRule.put("welcome", 2);
        customer.decided.put("welcome-1", 11L);
        customer.expiry = new EventTimeExpiry.Clock();
        customer.expiry.lastActivity = 14L;
        customer.expiry.timerAt = 15L;
        return customer;
    }

    @Test
    void itIsAPojoWithoutKryoThatComesBackAsItWent() throws Exception {
        assertThat(TypeInformation.of(CustomerOfferState.class)).isInstanceOf(PojoTypeInfo.class);
        TypeSerializer<CustomerOfferState> serializer = serializer();
        CustomerOfferState customer = customer();

        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(customer, out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        CustomerOfferState back = serializer.deserialize(in);

        assertThat(in.available()).isZero();
        assertThat(back).usingRecursiveComparison().isEqualTo(customer);
        assertThat(back.sentOffers).as("the order offers were sent in (ties of redemption)")
                .extracting(SentOffer::offerId).containsExactly("welcome-1", "welcome-0");
        assertThat(new CustomerOfferState()).usingRecursiveComparison()
                .isEqualTo(serializer.deserialize(roundTripInput(serializer, new CustomerOfferState())));
    }

    @Test
    void aCopyIsDeepAndMutable() {
        // The heap backend hands out copies while a snapshot runs; the engine changes what it reads in place.
        CustomerOfferState customer = customer();
        CustomerOfferState copy = serializer().copy(customer);
        copy.sentOffers.add(new SentOffer("other", "other", 1, "sh-003", 1L, 2L, false));
        copy.segments.get("member:m-1")[0] = "regular";
        copy.expiry.lastActivity = 99L;
        assertThat(customer.sentOffers).hasSize(2);
        assertThat(customer.segments.get("member:m-1")).containsExactly("vip", "new");
        assertThat(customer.expiry.lastActivity).isEqualTo(14L);
        assertThat(new ArrayList<>(copy.identifiers)).containsExactlyInAnyOrderElementsOf(customer.identifiers);
    }

    private static DataInputDeserializer roundTripInput(TypeSerializer<CustomerOfferState> serializer,
            CustomerOfferState customer) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(customer, out);
        return new DataInputDeserializer(out.getCopyOfBuffer());
    }
}
