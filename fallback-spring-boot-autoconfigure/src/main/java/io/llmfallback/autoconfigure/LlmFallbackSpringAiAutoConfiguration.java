package io.llmfallback.autoconfigure;

import java.util.Map;

import io.llmfallback.chain.FallbackChains;
import io.llmfallback.provider.internal.BeanProviderFactory;
import io.llmfallback.springai.FallbackChainChatModel;
import io.llmfallback.springai.internal.HiddenRetries;
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

	/**
	 * Providers of type {@code spring-ai}. The chain owns retries: start-up fails when
	 * the model would retry inside its call ({@link HiddenRetries}) rather than let one
	 * attempt hide up to eleven calls and minutes of backoff.
	 */
	@Bean
	BeanProviderFactory llmFallbackSpringAiProviders(BeanFactory beanFactory) {
		return (settings, beanName) -> {
			ChatModel model = beanFactory.getBean(beanName, ChatModel.class);
			String retries = HiddenRetries.of(model, beanName);
			if (retries != null) {
				throw new IllegalStateException("Provider '" + settings.name() + "' calls Spring AI model bean '"
						+ beanName + "', which " + retries + "; the chain retries and falls over itself");
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
