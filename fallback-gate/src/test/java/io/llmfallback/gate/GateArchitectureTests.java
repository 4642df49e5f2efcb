package io.llmfallback.gate;

import java.util.Set;
import java.util.TreeSet;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import io.llmfallback.architecture.PublicApi;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fallback-gate module's layering: the gate and the review work without Spring Boot,
 * which only their auto-configuration uses, and the module reaches the runtime module
 * through the seams the runtime opens for it and the API of a chain, nothing else.
 */
@AnalyzeClasses(packages = { "io.llmfallback.gate", "io.llmfallback.review" },
		importOptions = ImportOption.DoNotIncludeTests.class)
class GateArchitectureTests {

	/**
	 * Each package with its {@code internal} sub-package as one slice: an API type may
	 * use its own internals (a report renders itself through them), which is no cycle.
	 */
	private static final SliceAssignment PACKAGES_WITH_THEIR_INTERNALS = new SliceAssignment() {

		@Override
		public SliceIdentifier getIdentifierOf(JavaClass type) {
			String name = type.getPackageName();
			int internal = name.indexOf(".internal");
			return SliceIdentifier.of((internal < 0) ? name : name.substring(0, internal));
		}

		@Override
		public String getDescription() {
			return "packages, each with its internal sub-package";
		}

	};

	private static final String[] GATE_MODULE = { "io.llmfallback.gate..", "io.llmfallback.review.." };

	/**
	 * The runtime module's package whose every type the gate may use: the request and
	 * response model.
	 */
	private static final String RUNTIME_MODEL = "io.llmfallback.model";

	/**
	 * The other runtime types the gate module may use, nested types included. A type that
	 * moves (to an {@code internal} package, say) fails the rule under its new name until
	 * it is named here again: using an internal type from another module is a decision,
	 * not a side effect of a move.
	 */
	private static final Set<String> RUNTIME_TYPES = Set.of(
			// The seams the runtime opens for this module: the validations the endpoint
			// and health read, the endpoint's gate operations and the gate's properties.
			"io.llmfallback.validation.internal.FallbackValidation",
			"io.llmfallback.validation.internal.FallbackValidations", "io.llmfallback.actuate.LlmFallbackEndpoint",
			"io.llmfallback.actuate.internal.LlmFallbackGateOperations",
			"io.llmfallback.autoconfigure.LlmFallbackAutoConfiguration",
			"io.llmfallback.autoconfigure.internal.LlmFallbackPropertiesExtension",
			"io.llmfallback.autoconfigure.internal.LlmFallbackSettings",
			"io.llmfallback.autoconfigure.internal.WrittenValues",
			"io.llmfallback.autoconfigure.InvalidLlmFallbackConfigurationException",
			// A chain, its providers, prices and contracts, and what its listeners hear.
			"io.llmfallback.chain.FallbackChain", "io.llmfallback.chain.FallbackChains",
			"io.llmfallback.chain.ChainSettings", "io.llmfallback.chain.internal.BreakerSettings",
			"io.llmfallback.chain.ChainListener", "io.llmfallback.chain.ChainOutcome",
			"io.llmfallback.chain.ChainResponse", "io.llmfallback.chain.AttemptRecord",
			"io.llmfallback.chain.AttemptOutcome", "io.llmfallback.chain.ServedPath",
			"io.llmfallback.provider.LlmProvider", "io.llmfallback.provider.internal.LlmProviders",
			"io.llmfallback.provider.ProviderException", "io.llmfallback.cost.Pricing",
			"io.llmfallback.contract.OutputContract", "io.llmfallback.contract.ContractCheck",
			"io.llmfallback.window.internal.TimeBuckets", "io.llmfallback.window.internal.ValueHistogram");

	@ArchTest
	static final ArchRule gateAndReviewUseNoSpringBoot = noClasses().that()
		.resideInAnyPackage("io.llmfallback.gate", "io.llmfallback.review..")
		.should()
		.dependOnClassesThat()
		.resideInAPackage("org.springframework.boot..")
		.because("only io.llmfallback.gate.autoconfigure integrates with Spring Boot");

	@ArchTest
	static final ArchRule noPackageCycles = slices().assignedFrom(PACKAGES_WITH_THEIR_INTERNALS)
		.should()
		.beFreeOfCycles();

	@ArchTest
	static final ArchRule runtimeReachedOnlyThroughItsSeamsAndChainApi = noClasses().that()
		.resideInAnyPackage(GATE_MODULE)
		.should()
		.dependOnClassesThat(resideInAPackage("io.llmfallback..").and(not(resideInAnyPackage(GATE_MODULE)))
			.and(not(resideInAPackage(RUNTIME_MODEL)))
			.and(not(namedIn(RUNTIME_TYPES))))
		.because("the runtime's other types, and anything in its internal packages, may change without notice;"
				+ " name a type in GateArchitectureTests.RUNTIME_TYPES to allow it");

	/**
	 * The module's public types outside its internal packages are the ones the user guide
	 * lists under {@code fallback-gate}.
	 */
	@ArchTest
	static void publicTypesAreTheDocumentedApi(JavaClasses classes) {
		assertThat(new TreeSet<>(PublicApi.publicTypesOutsideInternalPackages(classes)))
			.as("public types outside ..internal.. packages; list a new one in docs/user-guide.md's"
					+ " 'Public API' section under fallback-gate, or make it package-private or internal")
			.containsExactlyElementsOf(new TreeSet<>(PublicApi.documented("fallback-gate")));
	}

	@ArchTest
	static final ArchRule apiExposesNoInternalType = classes().that()
		.arePublic()
		.and()
		.resideOutsideOfPackages("..internal..", "io.llmfallback.gate.autoconfigure")
		.should(PublicApi.exposeNoInternalType());

	private static DescribedPredicate<JavaClass> namedIn(Set<String> names) {
		return describe("named in RUNTIME_TYPES",
				(type) -> names.contains(topLevel(type.getBaseComponentType()).getName()));
	}

	private static JavaClass topLevel(JavaClass type) {
		return type.getEnclosingClass().map(GateArchitectureTests::topLevel).orElse(type);
	}

}
