/**
 * {@link dev.sluice.spool.RocksSpool}: the embedded durable spool, a RocksDB database on local disk
 * with appends group-committed by one writer thread.
 */
package dev.sluice.spool;
