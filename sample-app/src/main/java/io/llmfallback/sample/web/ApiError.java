package io.llmfallback.sample.web;

/**
 * The body of a 4xx answer.
 *
 * @param error what was wrong with the request
 */
record ApiError(String error) {

}
