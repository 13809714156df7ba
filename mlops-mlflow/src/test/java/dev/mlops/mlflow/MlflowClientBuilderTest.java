package dev.mlops.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MlflowClientBuilderTest {
    @Test
    void storePropertiesComeFromTheBuilderThenThePlatformThenMlflowsEnvironment() {
        MlflowTracker.Builder builder = MlflowTracker.builder().environment(Map.of("MLFLOW_S3_ENDPOINT_URL",
                "http://minio:9000", "AWS_REGION", "eu-west-1"));
        assertThat(builder.storeProperty("s3.endpoint")).contains("http://minio:9000");
        assertThat(builder.storeProperty("s3.path-style")).contains("true");
        assertThat(builder.storeProperty("s3.region")).contains("eu-west-1");
        assertThat(builder.storeProperty("s3.access-key-id")).isEmpty();

        builder.platformProperties(key -> key.equals("s3.region") ? Optional.of("us-west-2") : Optional.empty());
        assertThat(builder.storeProperty("s3.region")).contains("us-west-2");
        builder.storeProperty("s3.region", "ap-northeast-2").storeProperty("s3.path-style", "false");
        assertThat(builder.storeProperty("s3.region")).contains("ap-northeast-2");
        assertThat(builder.storeProperty("s3.path-style")).contains("false");

        MlflowModelRegistry.Builder aws = MlflowModelRegistry.builder().environment(Map.of("AWS_DEFAULT_REGION", "eu-central-1",
                "AWS_REGION", "eu-west-1"));
        assertThat(aws.storeProperty("s3.region")).contains("eu-central-1");
        assertThat(aws.storeProperty("s3.endpoint")).isEmpty();
        assertThat(aws.storeProperty("s3.path-style")).isEmpty();
    }
}
