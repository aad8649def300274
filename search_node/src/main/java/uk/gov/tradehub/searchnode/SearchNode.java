package uk.gov.tradehub.searchnode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * Starts a single-node OpenSearch cluster in this JVM for development and CI.
 *
 * <p>Options (command line wins over environment, environment over defaults):
 * <pre>
 *   --port N            SEARCH_NODE_PORT            HTTP port, default 9200
 *   --transport-port N  SEARCH_NODE_TRANSPORT_PORT  transport port, default HTTP port + 100
 *   --data DIR          SEARCH_NODE_DATA            index data, default ./data
 *   --home DIR          SEARCH_NODE_HOME            path.home (config, logs, modules, plugins), default ./home
 *   --cluster-name X    SEARCH_NODE_CLUSTER_NAME    default tradehub-dev
 *   --seed-hosts H      SEARCH_NODE_SEED_HOSTS      host:transport-port,... of the cluster's nodes;
 *                                                   empty (the default) for a single-node cluster
 *   --initial-masters N SEARCH_NODE_INITIAL_MASTERS node names voting in the first election
 *                                                   (node names are search-node-HTTPPORT)
 * </pre>
 * The node stops cleanly on SIGTERM/SIGINT (a shutdown hook closes it and waits for it).
 */
public final class SearchNode {

    /** Plugins loaded from the classpath instead of the plugins folder. */
    static final Collection<Class<? extends Plugin>> PLUGINS = List.of(
        Netty4Plugin.class,
        CommonAnalysisPlugin.class
    );

    private SearchNode() {
    }

    /** The Node constructor that accepts classpath plugins is protected; this exposes it. */
    static final class ClasspathPluginNode extends Node {
        ClasspathPluginNode(Environment environment, Collection<Class<? extends Plugin>> plugins) {
            super(environment, plugins, true);
        }
    }

    public static void main(String[] args) throws Exception {
        // Our shutdown hook logs while the node closes, so log4j must not stop itself first.
        System.setProperty("log4j.shutdownHookEnabled", "false");
        System.setProperty("log4j2.disable.jmx", "true");

        Map<String, String> options = Options.parse(args, System.getenv());
        int httpPort = Integer.parseInt(options.get("port"));
        int transportPort = Integer.parseInt(options.get("transport-port"));
        Path home = Path.of(options.get("home")).toAbsolutePath().normalize();
        Path data = Path.of(options.get("data")).toAbsolutePath().normalize();
        Path logs = home.resolve("logs");

        for (String dir : List.of("config", "logs", "modules", "plugins")) {
            Files.createDirectories(home.resolve(dir));
        }
        Files.createDirectories(data);
        installLoggingConfig(home.resolve("config"));

        Settings.Builder builder = Settings.builder()
            .put("path.home", home.toString())
            .put("path.data", data.toString())
            .put("path.logs", logs.toString())
            .put("cluster.name", options.get("cluster-name"))
            .put("node.name", "search-node-" + httpPort)
            .put("network.host", "127.0.0.1")
            .put("http.port", httpPort)
            .put("transport.port", transportPort)
            // Small CI disks must not turn our indices read-only.
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            // Deleting by wildcard is handy in tests; the alias makes it safe for the app.
            .put("action.destructive_requires_name", false);
        String seedHosts = options.get("seed-hosts").trim();
        if (seedHosts.isEmpty()) {
            builder.put("discovery.type", "single-node");
        } else {
            builder.putList("discovery.seed_hosts", List.of(seedHosts.split(",")));
            builder.putList("cluster.initial_cluster_manager_nodes",
                List.of(options.get("initial-masters").split(",")));
            // A node killed on loopback is noticed within seconds, not the default minute.
            builder.put("cluster.fault_detection.follower_check.timeout", "3s");
            builder.put("cluster.fault_detection.leader_check.timeout", "3s");
        }
        Settings settings = builder.build();

        Environment environment = InternalSettingsPreparer.prepareEnvironment(
            settings, Map.of(), home.resolve("config"), () -> "search-node-" + httpPort);
        LogConfigurator.registerErrorListener();
        LogConfigurator.setNodeName("search-node-" + httpPort);
        LogConfigurator.configure(environment);

        Node node = new ClasspathPluginNode(environment, PLUGINS);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
                if (!node.awaitClose(30, TimeUnit.SECONDS)) {
                    System.err.println("search-node: node did not close within 30s");
                }
            } catch (IOException | InterruptedException e) {
                System.err.println("search-node: error while closing: " + e);
            } finally {
                stopped.countDown();
            }
        }, "search-node-shutdown"));

        node.start();
        System.out.println("search-node: started on http://127.0.0.1:" + httpPort
            + " (transport " + transportPort + ", data " + data + ")");
        stopped.await();
    }

    /** Copies the bundled log4j2.properties into the node's config folder (console logging only). */
    private static void installLoggingConfig(Path configDir) throws IOException {
        try (InputStream in = SearchNode.class.getResourceAsStream("/search-node-log4j2.properties")) {
            if (in == null) {
                throw new IllegalStateException("search-node-log4j2.properties missing from the jar");
            }
            // Nodes of a cluster start at the same moment on one home: copy to a file of this
            // process, then rename it into place (atomic), so no node sees a half-written or
            // just-deleted file (Files.copy with REPLACE_EXISTING deletes, then creates).
            Path staged = Files.createTempFile(configDir, "log4j2-", ".tmp");
            try {
                Files.copy(in, staged, StandardCopyOption.REPLACE_EXISTING);
                Files.move(staged, configDir.resolve("log4j2.properties"),
                    StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(staged);
            }
        }
    }
}
