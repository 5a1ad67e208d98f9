/**
 * The suppression list as the doors consult it, without depending on where it is kept: {@link
 * dev.sluice.core.suppress.Suppressions} and its entries.
 */
package dev.sluice.core.suppress;
