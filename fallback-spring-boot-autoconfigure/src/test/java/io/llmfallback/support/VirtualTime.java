package io.llmfallback.support;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * Runs each test on Reactor's virtual time: every timer of {@code Schedulers.parallel()}
 * (delays, timeouts, the chain's clock) runs on the {@link VirtualTimeScheduler}, which
 * the test advances, and is given as a parameter; real time is back after the test.
 */
public final class VirtualTime implements BeforeEachCallback, AfterEachCallback, ParameterResolver {

	@Override
	public void beforeEach(ExtensionContext context) {
		VirtualTimeScheduler.getOrSet();
	}

	@Override
	public void afterEach(ExtensionContext context) {
		VirtualTimeScheduler.reset();
	}

	@Override
	public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
		return parameter.getParameter().getType() == VirtualTimeScheduler.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
		return VirtualTimeScheduler.getOrSet();
	}

}
