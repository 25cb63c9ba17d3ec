package dev.gpuhub.server.http;

import javax.net.ssl.SSLContext;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The Jetty connectors gpuhub's HTTP servers listen with (Javalin adds none of its own once one is
 * added): plain HTTP, and TLS with a given context, optionally asking clients for a certificate
 * (which the context's trust managers then check in the handshake).
 */
public final class Connectors {
  private Connectors() {}

  /** Plain HTTP on {@code host:port}. */
  public static ServerConnector plain(Server server, HttpConfiguration http, String host, int port) {
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost(host);
    connector.setPort(port);
    return connector;
  }

  /**
   * HTTPS on {@code host:port} with {@code context}; {@code askClientCertificate} asks every client
   * for one (the request carries it as {@code jakarta.servlet.request.X509Certificate}).
   */
  public static ServerConnector tls(Server server, HttpConfiguration http, SSLContext context,
                                    boolean askClientCertificate, String host, int port) {
    SslContextFactory.Server tls = new SslContextFactory.Server();
    tls.setSslContext(context);
    tls.setWantClientAuth(askClientCertificate);
    HttpConfiguration https = new HttpConfiguration(http);
    SecureRequestCustomizer secure = new SecureRequestCustomizer();
    secure.setSniHostCheck(false); // reached by address as often as by name; the certificate names what it serves
    https.addCustomizer(secure);
    ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(tls, "http/1.1"),
        new HttpConnectionFactory(https));
    connector.setHost(host);
    connector.setPort(port);
    return connector;
  }
}
