package dev.gpuhub.server.trust;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The names the control plane's certificate carries: every address agents may reach it at. */
public final class ClusterNames {
  private ClusterNames() {}

  /**
   * For a control plane bound to {@code bindHost}: that address (all of this host's addresses for
   * 0.0.0.0), loopback, {@code localhost} and the host name.
   */
  public static List<String> of(String bindHost) {
    Set<String> names = new LinkedHashSet<>();
    if (bindHost != null && !bindHost.equals("0.0.0.0") && !bindHost.equals("::")) {
      names.add(bindHost);
    } else {
      try {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
          for (InetAddress a : Collections.list(nic.getInetAddresses())) {
            String text = a.getHostAddress();
            int zone = text.indexOf('%');
            names.add(zone >= 0 ? text.substring(0, zone) : text);
          }
        }
      } catch (SocketException e) {
        // fall back to the names below
      }
    }
    names.add("127.0.0.1");
    names.add("localhost");
    try {
      names.add(InetAddress.getLocalHost().getHostName());
    } catch (UnknownHostException e) {
      // no host name: addresses only
    }
    return List.copyOf(names);
  }
}
