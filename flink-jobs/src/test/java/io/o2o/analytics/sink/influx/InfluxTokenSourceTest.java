package io.o2o.analytics.sink.influx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where a writer finds its token on the task manager: the file first, else the variable, else none. */
class InfluxTokenSourceTest {

    private static final Map<String, String> TASK_MANAGER_ENV = Map.of("O2O_INFLUXDB_TOKEN", " env-t0ken \n");

    @Test
    void theVariableOfTheTaskManager() throws Exception {
        assertThat(new InfluxTokenSource("O2O_INFLUXDB_TOKEN", null).read(TASK_MANAGER_ENV::get))
                .contains("env-t0ken");
        assertThat(new InfluxTokenSource("OTHER_TOKEN", null).read(TASK_MANAGER_ENV::get)).isEmpty();
        assertThat(new InfluxTokenSource("", null).read(TASK_MANAGER_ENV::get)).isEmpty();
        assertThat(new InfluxTokenSource("O2O_INFLUXDB_TOKEN", null).read(Map.of("O2O_INFLUXDB_TOKEN", "  ")::get))
                .isEmpty();
    }

    @Test
    void aFileWinsOverTheVariable(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("token"), "file-t0ken\n");

        assertThat(new InfluxTokenSource("O2O_INFLUXDB_TOKEN", file.toString()).read(TASK_MANAGER_ENV::get))
                .contains("file-t0ken");
    }

    @Test
    void anEmptyFileIsAnError(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("token"), "\n");

        assertThatThrownBy(() -> new InfluxTokenSource("", file.toString()).read(TASK_MANAGER_ENV::get))
                .isInstanceOf(IOException.class)
                .hasMessage("InfluxDB sink: the token file " + file + " is empty");
    }

    @Test
    void describesWhereNotWhat() {
        assertThat(new InfluxTokenSource("O2O_INFLUXDB_TOKEN", null).describe()).isEqualTo("token from $O2O_INFLUXDB_TOKEN");
        assertThat(new InfluxTokenSource("", "/run/secrets/t").describe()).isEqualTo("token file /run/secrets/t");
        assertThat(new InfluxTokenSource("", null).describe()).isEqualTo("no token");
    }
}
