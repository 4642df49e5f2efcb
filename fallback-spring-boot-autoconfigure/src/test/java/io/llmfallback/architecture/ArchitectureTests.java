package io.llmfallback.architecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The layering of the library, by package name, so that the rules hold wherever a
 * package's classes live: a package whose classes are in another module (the gate and the
 * review) is simply not among the classes analysed here.
 */
@AnalyzeClasses(packages = "io.llmfallback", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTests {

	/**
	 * The packages that work without Spring Boot: a chain can be built and run by hand.
	 */
	private static final String[] CORE = { "io.llmfallback.model..", "io.llmfallback.window..",
			"io.llmfallback.provider..", "io.llmfallback.cost..", "io.llmfallback.contract..", "io.llmfallback.chain..",
			"io.llmfallback.observe.." };

	@ArchTest
	static final ArchRule coreUsesNoSpringBoot = noClasses().that()
		.resideInAnyPackage(CORE)
		.should()
		.dependOnClassesThat()
		.resideInAPackage("org.springframework.boot..");

	/**
	 * Of the Spring portfolio, the providers use WebClient only, with its HTTP types and
	 * data buffers.
	 */
	@ArchTest
	static final ArchRule providersUseOnlyWebClientOfSpring = noClasses().that()
		.resideInAPackage("io.llmfallback.provider..")
		.should()
		.dependOnClassesThat(resideInAPackage("org.springframework..")
			.and(not(resideInAnyPackage("org.springframework.web.reactive.function..", "org.springframework.http..",
					"org.springframework.core.io.buffer.."))));

	/**
	 * Of the Spring portfolio, the chain uses Spring Cloud CircuitBreaker's reactive API
	 * only.
	 */
	@ArchTest
	static final ArchRule chainUsesOnlyCircuitBreakerOfSpring = noClasses().that()
		.resideInAPackage("io.llmfallback.chain..")
		.should()
		.dependOnClassesThat(resideInAPackage("org.springframework..")
			.and(not(resideInAnyPackage("org.springframework.cloud.client.circuitbreaker..",
					"org.springframework.cloud.circuitbreaker.resilience4j.."))));

	@ArchTest
	static final ArchRule restOfCoreUsesNoSpring = noClasses().that()
		.resideInAnyPackage("io.llmfallback.model..", "io.llmfallback.window..", "io.llmfallback.cost..",
				"io.llmfallback.contract..", "io.llmfallback.observe..")
		.should()
		.dependOnClassesThat()
		.resideInAPackage("org.springframework..");

	@ArchTest
	static final ArchRule noPackageCycles = slices().matching("io.llmfallback.(*)..").should().beFreeOfCycles();

	/**
	 * Model and windows at the ground; providers, cost and contracts on them; the chain
	 * above those; signals, gate, review, the aspect, the endpoint, the OpenAI-compatible
	 * API and the auto-configuration on top.
	 */
	@ArchTest
	static final ArchRule layers = layeredArchitecture().consideringOnlyDependenciesInLayers()
		.layer("Foundation")
		.definedBy("io.llmfallback.model..", "io.llmfallback.window..")
		.layer("Services")
		.definedBy("io.llmfallback.provider..", "io.llmfallback.cost..", "io.llmfallback.contract..")
		.layer("Chain")
		.definedBy("io.llmfallback.chain..")
		.layer("Integration")
		.definedBy("io.llmfallback.observe..", "io.llmfallback.gate..", "io.llmfallback.review..",
				"io.llmfallback.aop..", "io.llmfallback.actuate..", "io.llmfallback.openaiapi..",
				"io.llmfallback.autoconfigure..")
		.whereLayer("Integration")
		.mayNotBeAccessedByAnyLayer()
		.whereLayer("Chain")
		.mayOnlyBeAccessedByLayers("Integration")
		.whereLayer("Services")
		.mayOnlyBeAccessedByLayers("Chain", "Integration")
		.whereLayer("Foundation")
		.mayOnlyBeAccessedByLayers("Services", "Chain", "Integration");

}
