package dev.gpuhub.server.trust;

import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The cluster port: the discovery API over TLS as the control plane's certificate, asking every
 * client for a certificate of the cluster CA (and refusing any other in the handshake). Nodes
 * join here without one (with the join secret) and heartbeat here with theirs.
 */
public final class ClusterPort {
  private ClusterPort() {}

  /** The discovery API's own plain HTTP connector on {@code host:port}. */
  public static ServerConnector plain(Server server, HttpConfiguration http, String host, int port) {
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost(host);
    connector.setPort(port);
    return connector;
  }

  /** A Jetty connector for {@code server} on {@code host:port}, sharing {@code http}'s settings. */
  public static ServerConnector connector(Server server, HttpConfiguration http, ClusterAuthority authority, String host,
                                          int port) {
    SslContextFactory.Server tls = new SslContextFactory.Server();
    tls.setSslContext(authority.controlPlane().sslContext());
    tls.setWantClientAuth(true);
    HttpConfiguration https = new HttpConfiguration(http);
    SecureRequestCustomizer secure = new SecureRequestCustomizer();
    secure.setSniHostCheck(false); // agents reach it by address; the certificate names every address it listens on
    https.addCustomizer(secure);
    ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(tls, "http/1.1"),
        new HttpConnectionFactory(https));
    connector.setHost(host);
    connector.setPort(port);
    return connector;
  }
}
