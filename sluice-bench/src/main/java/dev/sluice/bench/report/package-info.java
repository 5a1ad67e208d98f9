/**
 * The results of a {@code sluice bench} run and the three ways they are shown: a terminal table
 * ({@link dev.sluice.bench.report.TextReport}), JSON for machines ({@link
 * dev.sluice.bench.report.JsonReport}) and one self-contained HTML page with SVG charts ({@link
 * dev.sluice.bench.report.HtmlReport}).
 *
 * <p>Everything here is a pure function of an immutable {@link dev.sluice.bench.report.BenchRun}:
 * no clock, no I/O, so every report is unit-tested on synthetic runs. The knee is defined once, in
 * {@link dev.sluice.bench.report.Knee}, and every report marks the same level.
 */
package dev.sluice.bench.report;
