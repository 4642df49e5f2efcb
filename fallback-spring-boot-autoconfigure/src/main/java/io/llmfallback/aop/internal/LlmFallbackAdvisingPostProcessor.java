package io.llmfallback.aop.internal;

import io.llmfallback.aop.LlmFallback;

import org.springframework.aop.framework.autoproxy.AbstractBeanFactoryAwareAdvisingPostProcessor;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;

/**
 * Proxies each bean that has an {@link LlmFallback} method so that
 * {@link LlmFallbackAspect} runs around those methods, the way Spring applies
 * {@code @Async} and {@code @Validated}: it needs neither AspectJ nor an auto-proxy
 * creator, and adds its advisor to a bean that another post-processor has already
 * proxied.
 */
public final class LlmFallbackAdvisingPostProcessor extends AbstractBeanFactoryAwareAdvisingPostProcessor {

	public LlmFallbackAdvisingPostProcessor(LlmFallbackAspect aspect) {
		this.advisor = new DefaultPointcutAdvisor(AnnotationMatchingPointcut.forMethodAnnotation(LlmFallback.class),
				aspect);
	}

}
