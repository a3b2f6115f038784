import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * DynamoDB Local as local/dynamodb-local.ts runs it: the jar's own server, with two changes its command line
 * cannot make.
 * - It listens on one host (property zorgsom.bindHost, 127.0.0.1 by default) instead of every interface:
 *   the jar builds a Jetty server on a port only, so the connector's host is set before it starts.
 * - With zorgsom.exitWithParent=true it exits as soon as its standard input reaches end of file. The parent
 *   holds the other end of that pipe and never writes to it, so the pipe closes exactly when the parent
 *   dies, however it dies (SIGKILL included): the emulator never outlives the stack that started it.
 * Compiled once into a cache by local/dynamodb-local.ts (javac from the JRE's own jdk.compiler module).
 */
public final class LoopbackDynamoDbLocal {
  private LoopbackDynamoDbLocal() {}

  public static void main(String[] args) throws Exception {
    if (Boolean.getBoolean("zorgsom.exitWithParent")) {
      Thread watch =
          new Thread(
              () -> {
                try {
                  while (System.in.read() != -1) {
                    // The parent never writes; anything read is ignored.
                  }
                } catch (java.io.IOException closed) {
                  // A broken pipe is the parent gone as well.
                }
                System.exit(0);
              },
              "exit-with-parent");
      watch.setDaemon(true);
      watch.start();
    }

    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Field serverField = DynamoDBProxyServer.class.getDeclaredField("server");
    serverField.setAccessible(true);
    Server jetty = (Server) serverField.get(proxy);
    String host = System.getProperty("zorgsom.bindHost", "127.0.0.1");
    for (Connector connector : jetty.getConnectors()) {
      ((ServerConnector) connector).setHost(host);
    }
    proxy.start();
    proxy.join();
  }
}
