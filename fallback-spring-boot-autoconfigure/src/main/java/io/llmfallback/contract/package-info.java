/**
 * Output contracts as the caller sees them: the result of a check
 * ({@link io.llmfallback.contract.ContractCheck}) and typed answers
 * ({@link io.llmfallback.contract.ResultMapping}).
 */
@NullMarked
package io.llmfallback.contract;

import org.jspecify.annotations.NullMarked;
