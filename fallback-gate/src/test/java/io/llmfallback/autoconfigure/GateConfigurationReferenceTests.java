package io.llmfallback.autoconfigure;

/**
 * The configuration reference's tests with the fallback-gate module on the class path:
 * every key of the module has its row, with its real default, and the module's rows name
 * its keys.
 */
class GateConfigurationReferenceTests extends ConfigurationReferenceTests {

}
