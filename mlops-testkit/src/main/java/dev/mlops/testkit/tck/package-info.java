/**
 * Compatibility kits: abstract JUnit 5 test classes that every implementation of an SDK SPI must
 * pass. Extend one, say how to make the implementation under test, and run it.
 *
 * <pre>{@code
 * class S3ArtifactStoreTest extends ArtifactStoreTck {
 *     protected ArtifactStore createStore(Path scratch) { return S3ArtifactStore.builder()...build(); }
 *     protected void corrupt(ArtifactStore store, ArtifactRef ref) { ... overwrite the object ... }
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
package dev.mlops.testkit.tck;
