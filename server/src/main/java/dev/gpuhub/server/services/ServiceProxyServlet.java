package dev.gpuhub.server.services;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.ee10.proxy.ProxyServlet;

/**
 * {@code /svc/<name>/...}: Jetty's reverse proxy to one ready replica of the service, chosen by the
 * service's strategy; the path is forwarded unchanged, without the client's {@code Authorization}
 * header and the hub's session cookie, and a replica's {@code Set-Cookie} passes only within
 * {@code /svc/<name>/} ({@link dev.gpuhub.server.hub.proxy.HubCredentials}). Every request is
 * counted for the controller's rates. Open to any client (services are what the cluster serves); 404 for an unknown
 * service, 503 when it has no ready replica, 502 when the replica fails (Jetty's proxy).
 */
public final class ServiceProxyServlet extends ProxyServlet {
  private static final String CHOICE = ServiceProxyServlet.class.getName() + ".choice";
  private final ServiceRouter router;
  private final RequestMeter meter;
  private final java.util.function.Predicate<String> known;

  /** @param known whether a service of this name is declared */
  public ServiceProxyServlet(ServiceRouter router, RequestMeter meter, java.util.function.Predicate<String> known) {
    this.router = router;
    this.meter = meter;
    this.known = known;
  }

  @Override
  protected org.eclipse.jetty.client.HttpClient newHttpClient(org.eclipse.jetty.io.ClientConnector connector) {
    return dev.gpuhub.server.hub.proxy.ProxyClients.tuned(super.newHttpClient(connector));
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
    String name = serviceOf(request.getRequestURI());
    if (name == null || !known.test(name)) {
      send(response, 404, "no service " + (name == null ? "named in " + request.getRequestURI() : "'" + name + "'"));
      return;
    }
    Optional<ServiceRouter.Choice> choice = router.choose(name);
    if (choice.isEmpty()) {
      send(response, 503, "service '" + name + "' has no ready replica yet");
      return;
    }
    meter.count(choice.get().replica());
    request.setAttribute(CHOICE, choice.get());
    try {
      super.service(request, response);
    } catch (ServletException | IOException | RuntimeException e) {
      choice.get().end();
      throw e;
    }
  }

  @Override
  protected String rewriteTarget(HttpServletRequest request) {
    ServiceReplica r = ((ServiceRouter.Choice) request.getAttribute(CHOICE)).replica();
    String query = request.getQueryString();
    return dev.gpuhub.server.hub.proxy.ProxyRoute.origin("http", r.ip(), r.port()) + request.getRequestURI()
        + (query == null ? "" : "?" + query);
  }

  @Override
  protected void copyRequestHeaders(HttpServletRequest clientRequest, Request proxyRequest) {
    super.copyRequestHeaders(clientRequest, proxyRequest);
    dev.gpuhub.server.hub.proxy.HubCredentials.strip(proxyRequest);
  }

  @Override
  protected org.eclipse.jetty.http.HttpField filterServerResponseHeader(HttpServletRequest clientRequest,
      Response serverResponse, org.eclipse.jetty.http.HttpField field) {
    return dev.gpuhub.server.hub.proxy.HubCredentials.filterResponse(
        super.filterServerResponseHeader(clientRequest, serverResponse, field),
        "/svc/" + serviceOf(clientRequest.getRequestURI()));
  }

  @Override
  protected void onProxyResponseSuccess(HttpServletRequest clientRequest, HttpServletResponse proxyResponse,
                                        Response serverResponse) {
    end(clientRequest);
    super.onProxyResponseSuccess(clientRequest, proxyResponse, serverResponse);
  }

  @Override
  protected void onProxyResponseFailure(HttpServletRequest clientRequest, HttpServletResponse proxyResponse,
                                        Response serverResponse, Throwable failure) {
    end(clientRequest);
    super.onProxyResponseFailure(clientRequest, proxyResponse, serverResponse, failure);
  }

  @Override
  protected void onClientRequestFailure(HttpServletRequest clientRequest, Request proxyRequest,
                                        HttpServletResponse proxyResponse, Throwable failure) {
    end(clientRequest);
    super.onClientRequestFailure(clientRequest, proxyRequest, proxyResponse, failure);
  }

  private static void end(HttpServletRequest request) {
    Object c = request.getAttribute(CHOICE);
    if (c instanceof ServiceRouter.Choice choice) choice.end();
  }

  /** The service a {@code /svc/<name>/...} path names, or null. */
  static String serviceOf(String path) {
    if (path == null || !path.startsWith("/svc/")) return null;
    int end = path.indexOf('/', 5);
    String name = end < 0 ? path.substring(5) : path.substring(5, end);
    return name.isEmpty() ? null : name;
  }

  private static void send(HttpServletResponse response, int status, String message) throws IOException {
    response.setStatus(status);
    response.setContentType("application/json");
    response.getWriter().write(dev.gpuhub.server.http.ApiErrors.error(message).toString());
  }
}
