/** Actuator endpoint and health indicator, and the one status object both read. */
@NullMarked
package io.llmfallback.actuate;

import org.jspecify.annotations.NullMarked;
