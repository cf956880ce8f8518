package daodu.ci;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.node.MockNode;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * One node of the test cluster: the engine's own {@code Node} (through the test framework's
 * {@code MockNode}, which accepts plugins from the classpath and, given none of the framework's
 * mock plugins, runs the real services) with the Netty4 HTTP/transport and analysis-common
 * modules that the official distribution ships as modules.
 *
 * <p>Arguments are node settings, {@code key=value} each (a value with commas is a list);
 * .ci/opensearch.sh passes the cluster name, ports, paths and discovery. The node runs until the
 * JVM is stopped (SIGTERM closes it; the fault tests SIGKILL it).
 */
public final class ClusterNode {
    private ClusterNode() {}

    public static void main(String[] args) throws Exception {
        Settings.Builder builder = Settings.builder();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("expected key=value, got " + arg);
            }
            String key = arg.substring(0, eq);
            String value = arg.substring(eq + 1);
            if (key.endsWith("seed_hosts") || key.endsWith("initial_cluster_manager_nodes")) {
                builder.putList(key, List.of(value.split(",")));
            } else {
                builder.put(key, value);
            }
        }
        Settings settings = builder.build();
        LogConfigurator.registerErrorListener();
        LogConfigurator.setNodeName(settings.get("node.name"));
        LogConfigurator.configureWithoutConfig(settings);
        List<Class<? extends Plugin>> plugins = new ArrayList<>(List.of(Netty4Plugin.class, CommonAnalysisPlugin.class));
        Node node = new MockNode(settings, plugins, true);
        node.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
            } catch (Exception e) {
                e.printStackTrace();
            } finally {
                stopped.countDown();
            }
        }, "daodu-node-close"));
        stopped.await();
    }
}
