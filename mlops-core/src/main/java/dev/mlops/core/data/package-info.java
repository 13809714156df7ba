/**
 * Tables on disk and on the wire: CSV and JSON Lines files read with an explicit schema
 * ({@link dev.mlops.core.data.CsvFiles}, {@link dev.mlops.core.data.JsonLinesFiles}) and the compact
 * binary {@link dev.mlops.core.data.TableCodec} that journals and caches tables.
 *
 * @since 0.1.0
 */
package dev.mlops.core.data;
