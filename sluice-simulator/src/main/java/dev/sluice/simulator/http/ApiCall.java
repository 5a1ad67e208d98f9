package dev.sluice.simulator.http;

import java.util.function.Function;

/**
 * One decoded API request handed to an API implementation.
 *
 * @param method the HTTP method
 * @param path the decoded path without the query
 * @param query the raw query string, or null
 * @param header looks up a header by name, case-insensitively; null when absent
 * @param body the request body
 * @param accessKeyId the caller's access key id from SigV4, or {@code anonymous}
 * @param region the region of the caller's credential scope, or the simulator's region
 */
record ApiCall(
    String method,
    String path,
    String query,
    Function<String, String> header,
    byte[] body,
    String accessKeyId,
    String region) {}
