/** Spring Boot auto-configuration, properties, validation and failure analysis. */
@NullMarked
package io.llmfallback.autoconfigure;

import org.jspecify.annotations.NullMarked;
