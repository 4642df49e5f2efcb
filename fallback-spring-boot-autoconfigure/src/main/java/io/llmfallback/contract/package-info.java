/**
 * Output contracts: what a chain's answers must look like whichever provider serves them
 * ({@link io.llmfallback.contract.OutputContract}), the result of a check
 * ({@link io.llmfallback.contract.ContractCheck}) and typed answers
 * ({@link io.llmfallback.contract.ResultMapping}).
 */
@NullMarked
package io.llmfallback.contract;

import org.jspecify.annotations.NullMarked;
