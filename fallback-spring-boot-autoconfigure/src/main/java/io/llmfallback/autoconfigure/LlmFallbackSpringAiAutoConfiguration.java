package io.llmfallback.autoconfigure;

import java.util.Map;

import io.llmfallback.chain.FallbackChains;
import io.llmfallback.provider.internal.BeanProviderFactory;
import io.llmfallback.springai.FallbackChainChatModel;
import io.llmfallback.springai.internal.SpringAiChatModelProvider;

import org.springframework.ai.chat.model.ChatModel;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionBuilder;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.ClassUtils;

/**
 * Spring AI on both sides of the chains, when Spring AI's model API is on the class path:
 * each chain as a {@link ChatModel} bean named {@code <chain>ChatModel}, the first
 * configured chain's {@code @Primary} so that Spring AI's {@code ChatClient.Builder}
 * finds one; and {@code ChatModel} beans as providers of type {@code spring-ai}.
 */
@AutoConfiguration(after = LlmFallbackAutoConfiguration.class,
		beforeName = "org.springframework.ai.model.chat.client.autoconfigure.ChatClientAutoConfiguration")
@ConditionalOnClass({ ChatModel.class, FallbackChains.class })
@ConditionalOnBooleanProperty(name = "llm.fallback.enabled", matchIfMissing = true)
@Import(LlmFallbackSpringAiAutoConfiguration.ChainChatModels.class)
public final class LlmFallbackSpringAiAutoConfiguration {

	/** The suffix of each chain's {@code ChatModel} bean name. */
	public static final String BEAN_NAME_SUFFIX = "ChatModel";

	private static final String SPRING_AI_RETRY = "org.springframework.ai.retry.autoconfigure.SpringAiRetryAutoConfiguration";

	private static final String MAX_RETRIES = "spring.ai.retry.max-attempts";

	/**
	 * Providers of type {@code spring-ai}. The chain owns retries, but a Spring AI model
	 * retries inside its call with the {@code RetryTemplate} it was built with, which
	 * Spring AI's retry auto-configuration makes from {@code spring.ai.retry.*}: unless
	 * that makes no retry ({@code max-attempts=0}, Spring AI 2.0's number of retries),
	 * start-up fails rather than let one attempt hide ten calls. So it does when the
	 * model's own client retries: Spring AI 2.0's OpenAI and Anthropic models let the
	 * official SDKs retry {@code maxRetries} times, 3 and 2 by default.
	 */
	@Bean
	BeanProviderFactory llmFallbackSpringAiProviders(BeanFactory beanFactory, Environment environment) {
		return (settings, beanName) -> {
			if (ClassUtils.isPresent(SPRING_AI_RETRY, getClass().getClassLoader())
					&& environment.getProperty(MAX_RETRIES, Integer.class, 10) != 0) {
				throw new IllegalStateException("Provider '" + settings.name() + "' calls Spring AI model bean '"
						+ beanName + "', which would retry inside each attempt: set " + MAX_RETRIES
						+ "=0, the chain retries and falls over itself");
			}
			ChatModel model = beanFactory.getBean(beanName, ChatModel.class);
			String clientRetries = SpringAiChatModelProvider.clientRetries(model);
			if (clientRetries != null) {
				throw new IllegalStateException("Provider '" + settings.name() + "' calls Spring AI model bean '"
						+ beanName + "', whose client " + clientRetries
						+ " inside each attempt (maxRetries in its options): build it with maxRetries 0, "
						+ "the chain retries and falls over itself");
			}
			return new SpringAiChatModelProvider(settings, model);
		};
	}

	/**
	 * One {@link FallbackChainChatModel} bean per configured chain; an application's own
	 * bean of the same name wins.
	 */
	static final class ChainChatModels implements ImportBeanDefinitionRegistrar, EnvironmentAware {

		private Map<String, ?> chains = Map.of();

		@Override
		public void setEnvironment(Environment environment) {
			this.chains = Binder.get(environment)
				.bind("llm.fallback.chains", Bindable.mapOf(String.class, Object.class))
				.orElse(Map.of());
		}

		@Override
		public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
			boolean first = true;
			for (String chain : this.chains.keySet()) {
				String beanName = chain + BEAN_NAME_SUFFIX;
				if (!registry.containsBeanDefinition(beanName)) {
					AbstractBeanDefinition definition = BeanDefinitionBuilder
						.rootBeanDefinition(FallbackChainChatModel.class,
								() -> new FallbackChainChatModel(
										((BeanFactory) registry).getBean(FallbackChains.class).chain(chain)))
						.getBeanDefinition();
					definition.setPrimary(first);
					registry.registerBeanDefinition(beanName, definition);
				}
				first = false;
			}
		}

	}

}
