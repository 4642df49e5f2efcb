package io.llmfallback.autoconfigure;

import io.llmfallback.aop.internal.LlmFallbackAdvisingPostProcessor;
import io.llmfallback.aop.internal.LlmFallbackAspect;
import io.llmfallback.aop.internal.LlmFallbackUsageValidator;
import io.llmfallback.chain.FallbackChains;
import io.llmfallback.chain.LlmClient;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;

/**
 * The {@code @LlmFallback} interceptor, applied with spring-aop alone (no AspectJ), and
 * the start-up check of every annotated method.
 */
@AutoConfiguration(after = LlmFallbackAutoConfiguration.class)
@ConditionalOnBean(LlmClient.class)
public final class LlmFallbackAspectAutoConfiguration {

	// Infrastructure, and static below: both are made before the post-processors are
	// registered, and an application bean made that early would be reported in the log as
	// not eligible for post-processing.
	@Bean
	@ConditionalOnMissingBean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static LlmFallbackAspect llmFallbackAspect() {
		return new LlmFallbackAspect();
	}

	/**
	 * Proxies as Boot's own method-validation proxies do: subclass proxies unless the
	 * application said otherwise.
	 */
	@Bean
	@ConditionalOnMissingBean
	static LlmFallbackAdvisingPostProcessor llmFallbackAdvisingPostProcessor(Environment environment,
			LlmFallbackAspect aspect) {
		LlmFallbackAdvisingPostProcessor postProcessor = new LlmFallbackAdvisingPostProcessor(aspect);
		postProcessor
			.setProxyTargetClass(environment.getProperty("spring.aop.proxy-target-class", Boolean.class, true));
		return postProcessor;
	}

	@Bean
	LlmFallbackUsageValidator llmFallbackUsageValidator(ListableBeanFactory beanFactory, FallbackChains chains) {
		return new LlmFallbackUsageValidator(beanFactory, chains);
	}

}
