/** {@code sluice bench}: measures latency and throughput against an upstream and finds the knee. */
package dev.sluice.bench;
