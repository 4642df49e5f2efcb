/** Actuator endpoint and health indicator. */
@NullMarked
package io.llmfallback.actuate;

import org.jspecify.annotations.NullMarked;
