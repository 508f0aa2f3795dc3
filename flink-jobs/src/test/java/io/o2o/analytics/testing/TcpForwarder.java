package io.o2o.analytics.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A server that comes back: tests aim a client at {@link #reservePort()}, where nothing listens (connection
 * refused, as with a stopped server), and later {@link #start} forwarding that port to the real server. Cheaper
 * and more predictable than stopping and restarting the shared test server, which other tests use too.
 */
public final class TcpForwarder implements AutoCloseable {

    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    private TcpForwarder(ServerSocket server) {
        this.server = server;
    }

    /** A loopback port nobody listens on (for now). */
    public static int reservePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    /** Listens on {@code port} of loopback and forwards every connection to {@code host:targetPort}. */
    public static TcpForwarder start(int port, String host, int targetPort) throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        TcpForwarder forwarder = new TcpForwarder(server);
        daemon("forwarder-accept-" + port, () -> forwarder.accept(host, targetPort));
        return forwarder;
    }

    private void accept(String host, int targetPort) {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket target = new Socket(host, targetPort);
                sockets.add(client);
                sockets.add(target);
                daemon("forwarder-up", () -> pump(client, target));
                daemon("forwarder-down", () -> pump(target, client));
            } catch (IOException e) {
                // closed, or the target refused: the client sees its connection dropped, like a failing server
            }
        }
    }

    private static void pump(Socket from, Socket to) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException e) {
            // one side closed
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        sockets.forEach(TcpForwarder::closeQuietly);
    }
}
