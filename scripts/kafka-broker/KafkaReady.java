import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Readiness probe for scripts/kafka.sh, run with Java's single-file launcher on the broker's own jars:
 * {@code java -cp 'libs/*' KafkaReady.java 127.0.0.1:19092}. Exits 0 when a metadata request (describe cluster)
 * answers with at least one broker, 1 otherwise.
 */
public final class KafkaReady {
    public static void main(String[] args) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        try (Admin admin = Admin.create(props)) {
            int brokers = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size();
            String clusterId = admin.describeCluster().clusterId().get(5, TimeUnit.SECONDS);
            System.out.println("cluster " + clusterId + " answers with " + brokers + " broker(s)");
            System.exit(brokers > 0 ? 0 : 1);
        } catch (Exception e) {
            System.out.println("not ready: " + e);
            System.exit(1);
        }
    }
}
