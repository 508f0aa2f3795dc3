package io.o2o.analytics.job;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.description.TextElement;
import org.apache.flink.util.TimeUtils;

/**
 * Turns {@code --key value} arguments into a typed {@link Configuration} of {@link JobOptions}. Unknown
 * options and bad values are errors with a message that names them, so a typo never silently falls back
 * to a default.
 */
public final class CommandLine {
    private CommandLine() {}

    public static final class UsageException extends IllegalArgumentException {
        public UsageException(String message) {
            super(message);
        }
    }

    public static boolean wantsHelp(String[] args) {
        for (String arg : args) {
            if (arg.equals("--help") || arg.equals("-h")) {
                return true;
            }
        }
        return false;
    }

    public static Configuration parse(String[] args) {
        Map<String, ConfigOption<?>> known = JobOptions.all().stream()
                .collect(Collectors.toMap(ConfigOption::key, o -> o, (a, b) -> a, LinkedHashMap::new));
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new UsageException("Unexpected argument '" + arg + "': options look like --key value");
            }
            String key = arg.substring(2);
            String value = null;
            int eq = key.indexOf('=');
            if (eq >= 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            }
            ConfigOption<?> option = known.get(key);
            if (option == null && JobOptions.REMOVED.containsKey(key)) {
                throw new UsageException(JobOptions.REMOVED.get(key));
            }
            if (option == null) {
                throw new UsageException("Unknown option --" + key + " (see --help)");
            }
            if (value == null) {
                boolean isFlag = option == JobOptions.BOUNDED;
                if (isFlag && (i + 1 >= args.length || args[i + 1].startsWith("--"))) {
                    value = "true";
                } else if (i + 1 < args.length) {
                    value = args[++i];
                } else {
                    throw new UsageException("Option --" + key + " needs a value");
                }
            }
            values.put(key, value);
        }
        Configuration configuration = Configuration.fromMap(values);
        for (ConfigOption<?> option : known.values()) {
            if (values.containsKey(option.key())) {
                try {
                    configuration.get(option);
                } catch (IllegalArgumentException e) {
                    throw new UsageException("Bad value for --" + option.key() + ": " + e.getMessage());
                }
            }
        }
        return configuration;
    }

    /** The text of {@code --help}; also the source of the README's option table. */
    public static String help() {
        StringBuilder text = new StringBuilder("""
                Usage: bin/o2o-analytics [--option value ...]

                Runs the location analytics job: on a local Flink MiniCluster with the built-in city simulator by
                default, or against Kafka with --source kafka. The same options apply to the job jar submitted with
                `flink run`.

                Options (default in brackets):
                """);
        for (ConfigOption<?> option : JobOptions.all()) {
            text.append("  --").append(option.key());
            text.append(" [").append(defaultOf(option)).append("]\n");
            text.append("      ").append(description(option)).append('\n');
        }
        return text.toString();
    }

    /** Markdown table of every option, for the README. */
    public static String markdownTable() {
        StringBuilder table = new StringBuilder("| option | default | meaning |\n| --- | --- | --- |\n");
        for (ConfigOption<?> option : JobOptions.all()) {
            table.append("| `--").append(option.key()).append("` | ")
                    .append(option.hasDefaultValue() ? "`" + defaultOf(option) + "`" : "none")
                    .append(" | ").append(description(option).replace("|", "\\|")).append(" |\n");
        }
        return table.toString();
    }

    private static String defaultOf(ConfigOption<?> option) {
        if (!option.hasDefaultValue()) {
            return "none";
        }
        return option.defaultValue() instanceof Duration duration
                ? TimeUtils.formatWithHighestUnit(duration)
                : String.valueOf(option.defaultValue());
    }

    static String description(ConfigOption<?> option) {
        return option.description().getBlocks().stream()
                .map(block -> block instanceof TextElement text ? text.getFormat() : block.toString())
                .collect(Collectors.joining(" "));
    }
}
