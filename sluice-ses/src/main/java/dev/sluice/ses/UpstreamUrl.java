package dev.sluice.ses;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An upstream — where the relay delivers and where a benchmark sends — parsed from a URL whose
 * scheme names the transport:
 *
 * <ul>
 *   <li>{@code ses-v2+https://HOST:PORT}, {@code ses-v2+http://…} — the SES v2 API at an endpoint
 *   <li>{@code ses-v1+https://…}, {@code ses-v1+http://…} — the SES v1 Query API
 *   <li>{@code ses-v2://REGION}, {@code ses-v1://REGION} — real SES in a region
 *   <li>{@code ses-smtp://USER:PASSWORD@HOST:PORT} — an SES SMTP endpoint (STARTTLS, AUTH)
 *   <li>{@code smtp://[USER:PASSWORD@]HOST:PORT} — any SMTP server, such as a relay
 * </ul>
 *
 * <p>A target is real SES when its host is an {@code amazonaws.com} SES host or it names only a
 * region; benchmarks then default to mailbox-simulator recipients and refuse real ones unless told.
 * {@link UpstreamTransports} opens the transport a URL names.
 *
 * @param kind the transport
 * @param endpoint the endpoint for the SDK or the SMTP server's address; null for a bare region
 * @param region the AWS region
 * @param user the SMTP user (null when none)
 * @param password the SMTP password (null when none)
 * @param realSes whether this is Amazon SES itself
 * @param text the URL as given, with any password masked
 */
public record UpstreamUrl(
    Kind kind,
    URI endpoint,
    String region,
    String user,
    String password,
    boolean realSes,
    String text) {
  /** The transports an upstream URL can name. */
  public enum Kind {
    /** SES API v2. */
    SES_V2,
    /** SES API v1. */
    SES_V1,
    /** An SES SMTP endpoint. */
    SES_SMTP,
    /** Any SMTP server. */
    SMTP
  }

  private static final Pattern SES_HOST =
      Pattern.compile("email(?:-smtp)?(?:-fips)?\\.([a-z0-9-]+)\\.amazonaws\\.com(?:\\.cn)?");
  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d");

  /** Parses a target URL; {@code defaultRegion} applies when the URL does not name one. */
  public static UpstreamUrl parse(String url, String defaultRegion) {
    URI u;
    try {
      u = URI.create(url.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("target is not a URL: " + url, e);
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    String host = u.getHost();
    if (host == null && u.getAuthority() != null) {
      host = u.getAuthority();
    }
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("target has no host or region: " + url);
    }
    Matcher ses = SES_HOST.matcher(host.toLowerCase(Locale.ROOT));
    boolean sesHost = ses.matches();
    String region = sesHost ? ses.group(1) : defaultRegion;
    String user = null;
    String password = null;
    if (u.getRawUserInfo() != null) {
      String[] up = u.getRawUserInfo().split(":", 2);
      user = URLDecoder.decode(up[0], StandardCharsets.UTF_8);
      password = up.length > 1 ? URLDecoder.decode(up[1], StandardCharsets.UTF_8) : null;
    }
    String shown = password == null ? url : url.replace(u.getRawUserInfo(), user + ":****");
    switch (scheme) {
      case "ses-v2", "ses-v1" -> {
        if (!REGION.matcher(host).matches()) {
          throw new IllegalArgumentException(
              scheme
                  + "://REGION names a region such as us-east-1; for an endpoint use "
                  + scheme
                  + "+https://HOST:PORT");
        }
        return new UpstreamUrl(
            scheme.equals("ses-v2") ? Kind.SES_V2 : Kind.SES_V1,
            null,
            host,
            null,
            null,
            true,
            shown);
      }
      case "ses-v2+https", "ses-v2+http", "ses-v1+https", "ses-v1+http" -> {
        String http = scheme.substring(scheme.indexOf('+') + 1);
        URI endpoint = URI.create(http + "://" + hostPort(host, u.getPort()));
        return new UpstreamUrl(
            scheme.startsWith("ses-v2") ? Kind.SES_V2 : Kind.SES_V1,
            endpoint,
            region,
            null,
            null,
            sesHost,
            shown);
      }
      case "ses-smtp" -> {
        if (user == null || password == null) {
          throw new IllegalArgumentException(
              "ses-smtp targets need USER:PASSWORD@ (the SMTP credentials)");
        }
        return new UpstreamUrl(
            Kind.SES_SMTP,
            URI.create("smtp://" + hostPort(host, port(u, 587))),
            region,
            user,
            password,
            sesHost,
            shown);
      }
      case "smtp" -> {
        return new UpstreamUrl(
            Kind.SMTP,
            URI.create("smtp://" + hostPort(host, port(u, 25))),
            region,
            user,
            password,
            false,
            shown);
      }
      default ->
          throw new IllegalArgumentException(
              "unknown target scheme '"
                  + scheme
                  + "': use ses-v2+https://, ses-v2+http://, ses-v1+https://,"
                  + " ses-v1+http://, ses-v2://REGION, ses-v1://REGION, ses-smtp:// or smtp://");
    }
  }

  private static int port(URI u, int dflt) {
    return u.getPort() < 0 ? dflt : u.getPort();
  }

  private static String hostPort(String host, int port) {
    String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    return port < 0 ? h : h + ":" + port;
  }

  /** The transport's short name, as the report shows it. */
  public String transportName() {
    return switch (kind) {
      case SES_V2 -> "ses-v2";
      case SES_V1 -> "ses-v1";
      case SES_SMTP -> "ses-smtp";
      case SMTP -> "smtp";
    };
  }
}
