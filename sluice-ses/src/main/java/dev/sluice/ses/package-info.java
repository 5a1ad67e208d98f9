/** The delivery engine: transports to SES and SMTP upstreams, error classification, shaping. */
package dev.sluice.ses;
