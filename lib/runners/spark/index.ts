/** The Spark runner's public parts: the runner, its installation and a standalone cluster for tests. */
export { SparkRunner, DEFAULT_SPARK_MASTER } from "./spark-runner";
export { installSpark, sparkHome, sparkPython, PYSPARK_VERSION } from "./install";
export { startStandalone, type StandaloneCluster } from "./cluster";
