package io.llmfallback.autoconfigure;

import io.llmfallback.aop.LlmFallbackAspect;
import io.llmfallback.aop.LlmFallbackUsageValidator;
import io.llmfallback.chain.FallbackChains;
import io.llmfallback.chain.LlmClient;
import org.aspectj.lang.annotation.Aspect;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/** The {@code @LlmFallback} aspect, when AspectJ is on the class path. */
@AutoConfiguration(after = LlmFallbackAutoConfiguration.class)
@ConditionalOnClass(Aspect.class)
@ConditionalOnBean(LlmClient.class)
public final class LlmFallbackAspectAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	LlmFallbackAspect llmFallbackAspect() {
		return new LlmFallbackAspect();
	}

	@Bean
	LlmFallbackUsageValidator llmFallbackUsageValidator(ListableBeanFactory beanFactory, FallbackChains chains) {
		return new LlmFallbackUsageValidator(beanFactory, chains);
	}

}
