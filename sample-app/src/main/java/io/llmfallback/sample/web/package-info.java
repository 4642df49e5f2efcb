/**
 * How the sample's HTTP interface reports errors: a JSON body with an {@code error} text.
 */
@NullMarked
package io.llmfallback.sample.web;

import org.jspecify.annotations.NullMarked;
