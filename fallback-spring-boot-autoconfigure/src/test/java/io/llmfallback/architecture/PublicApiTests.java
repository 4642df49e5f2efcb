package io.llmfallback.architecture;

import java.util.Set;
import java.util.TreeSet;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static io.llmfallback.architecture.PublicApi.exposeNoInternalType;
import static io.llmfallback.architecture.PublicApi.publicTypesOutsideInternalPackages;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The public API is what the user guide lists: every public type outside an
 * {@code ..internal..} package is listed there, nothing listed is missing, and no public
 * signature of the API hands a caller an internal type.
 */
@AnalyzeClasses(packages = "io.llmfallback", importOptions = ImportOption.DoNotIncludeTests.class)
class PublicApiTests {

	private static final String MODULE = "fallback-spring-boot-autoconfigure";

	/**
	 * Packages whose public types are there for Spring Boot (auto-configuration,
	 * properties, the endpoint and health indicator): they may be named in an exclusion
	 * or a condition, but are not called, so their constructors may take internal types.
	 */
	private static final String[] BOOT_INTEGRATION = { "io.llmfallback.autoconfigure", "io.llmfallback.actuate" };

	@ArchTest
	static void publicTypesAreTheDocumentedApi(JavaClasses classes) {
		Set<String> actual = publicTypesOutsideInternalPackages(classes);
		assertThat(new TreeSet<>(actual))
			.as("public types outside ..internal.. packages; list a new one in docs/user-guide.md's"
					+ " 'Public API' section under " + MODULE + ", or make it package-private or internal")
			.containsExactlyElementsOf(new TreeSet<>(PublicApi.documented(MODULE)));
	}

	@ArchTest
	static final ArchRule apiExposesNoInternalType = classes().that()
		.arePublic()
		.and()
		.resideOutsideOfPackages("..internal..")
		.and()
		.resideOutsideOfPackages(BOOT_INTEGRATION)
		.should(exposeNoInternalType());

}
