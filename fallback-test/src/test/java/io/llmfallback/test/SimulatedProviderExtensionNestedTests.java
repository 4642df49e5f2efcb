package io.llmfallback.test;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The extension under JUnit itself: a nested class runs on its enclosing class's
 * providers.
 */
class SimulatedProviderExtensionNestedTests {

	@RegisterExtension
	static final SimulatedProviderExtension providers = new SimulatedProviderExtension().provider("gpt",
			WireProtocol.OPENAI);

	private static SimulatedProvider outer;

	@Test
	void outerClassHasTheProviders() {
		outer = providers.get("gpt");
		outer.inject(Fault.ofStatus(503));
	}

	@Nested
	class Inner {

		@Test
		void nestedClassSharesThemResetBeforeItsTest() {
			assertThat(providers.get("gpt")).isSameAs(outer);
			assertThat(outer.fault()).isEqualTo(Fault.NONE);
		}

	}

}
