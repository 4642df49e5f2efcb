package io.llmfallback.autoconfigure;

/**
 * The IDE metadata's tests over the runtime's and the fallback-gate module's metadata
 * together.
 */
class GateConfigurationMetadataTests extends ConfigurationMetadataTests {

}
