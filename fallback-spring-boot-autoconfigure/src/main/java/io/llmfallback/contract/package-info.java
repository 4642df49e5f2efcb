/**
 * Output contracts: what a chain's answers must look like whichever provider serves them.
 */
@NullMarked
package io.llmfallback.contract;

import org.jspecify.annotations.NullMarked;
