package uk.gov.tradehub.searchnode;

import java.util.HashMap;
import java.util.Map;

/** Command-line and environment options of the search node. */
final class Options {

    private Options() {
    }

    /**
     * Returns port, transport-port, data, home, cluster-name, seed-hosts and initial-masters;
     * arguments override environment.
     */
    static Map<String, String> parse(String[] args, Map<String, String> env) {
        Map<String, String> values = new HashMap<>();
        values.put("port", env.getOrDefault("SEARCH_NODE_PORT", "9200"));
        values.put("data", env.getOrDefault("SEARCH_NODE_DATA", "data"));
        values.put("home", env.getOrDefault("SEARCH_NODE_HOME", "home"));
        values.put("cluster-name", env.getOrDefault("SEARCH_NODE_CLUSTER_NAME", "tradehub-dev"));
        // Empty: a single-node cluster. Otherwise comma-separated host:transport-port of every
        // node (seed hosts) and the node names that vote in the first election.
        values.put("seed-hosts", env.getOrDefault("SEARCH_NODE_SEED_HOSTS", ""));
        values.put("initial-masters", env.getOrDefault("SEARCH_NODE_INITIAL_MASTERS", ""));
        String transport = env.get("SEARCH_NODE_TRANSPORT_PORT");
        if (transport != null) {
            values.put("transport-port", transport);
        }
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument: " + arg);
            }
            String name = arg.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException("missing value for --" + name);
            }
            if (!values.containsKey(name) && !name.equals("transport-port")) {
                throw new IllegalArgumentException("unknown option --" + name);
            }
            values.put(name, value);
        }
        int port = Integer.parseInt(values.get("port"));
        values.putIfAbsent("transport-port", Integer.toString(port + 100));
        return values;
    }
}
