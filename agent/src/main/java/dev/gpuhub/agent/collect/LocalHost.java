package dev.gpuhub.agent.collect;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import oshi.SystemInfo;

/** The name and address this node reports when the operator gives none. */
public final class LocalHost {
  /** Reported when the host has no usable IPv4 address at all. */
  public static final String LOOPBACK_IPV4 = "127.0.0.1";

  private LocalHost() {}

  /** The OS host name (OSHI), else the JVM's local host name, else "localhost". */
  public static String hostname() {
    try {
      String name = new SystemInfo().getOperatingSystem().getNetworkParams().getHostName();
      if (name != null && !name.isBlank()) return name.strip();
    } catch (RuntimeException e) {
      // Fall through to the JVM's view.
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }

  /**
   * The first site-local IPv4 address of an interface that is up (interfaces in index order), else
   * the first other non-loopback, non-link-local IPv4 address, else {@link #LOOPBACK_IPV4}.
   */
  public static String ipv4() {
    List<Inet4Address> candidates;
    try {
      candidates = NetworkInterface.networkInterfaces()
          .filter(LocalHost::isUsable)
          .sorted(Comparator.comparingInt(NetworkInterface::getIndex))
          .flatMap(NetworkInterface::inetAddresses)
          .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress())
          .map(a -> (Inet4Address) a)
          .toList();
    } catch (SocketException e) {
      return LOOPBACK_IPV4;
    }
    Optional<Inet4Address> siteLocal = candidates.stream().filter(InetAddress::isSiteLocalAddress).findFirst();
    return siteLocal.or(() -> candidates.stream().findFirst()).map(InetAddress::getHostAddress).orElse(LOOPBACK_IPV4);
  }

  private static boolean isUsable(NetworkInterface nic) {
    try {
      return nic.isUp() && !nic.isLoopback();
    } catch (SocketException e) {
      return false;
    }
  }
}
