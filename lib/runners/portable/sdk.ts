/**
 * The part of Apache Beam's TypeScript SDK (npm `apache-beam`, pinned) that the portable
 * runner uses, typed here: its pipeline builder and runner-API protos, its coders, its
 * loopback worker pool and its worker's operator registry. The SDK is loaded on the first
 * portable run only (it is large), and only through this module, so that a change of SDK
 * version touches one file. Two fixes to the SDK's loopback worker live here too (see
 * `startWorkerPool` and `submit`).
 */

/** A Beam PCollection under construction (the SDK's `PCollection`). */
export interface SdkPCollection {
  getId(): string;
  apply<T>(transform: unknown): T;
}

/** The SDK's pipeline builder (`internal/pipeline`). */
export interface SdkPipeline {
  getProto(): SdkPipelineProto;
  createPCollectionInternal(coder: SdkCoder): SdkPCollection;
  context: { getPCollectionCoderId(pc: SdkPCollection | string): string };
}

/** A Beam Pipeline message, as the SDK's generated protos hold it. */
export interface SdkPipelineProto {
  components: { environments: Record<string, { urn: string }>; transforms: Record<string, { uniqueName: string }> };
}

/** What a transform sees while it expands: the transform's own proto, filled in place. */
export interface SdkTransformProto {
  inputs: Record<string, string>;
  spec?: { urn: string; payload: Uint8Array };
}

export type SdkCoder = object;

/** One windowed element in the SDK's worker. */
export interface SdkWindowedValue {
  value: unknown;
  windows: unknown[];
  pane: unknown;
  timestamp: unknown;
}

/** Where an operator of the SDK's worker sends elements: NonPromise when done at once, else a Promise. */
export interface SdkReceiver {
  receive(wvalue: SdkWindowedValue): unknown;
}

/** What the SDK's worker gives an operator it creates. */
export interface SdkOperatorContext {
  getReceiver(pcollectionId: string): SdkReceiver;
  getStateProvider(): { getState(key: unknown, decode: (bytes: Uint8Array) => unknown): { type: "value"; value: unknown } | { type: "promise"; promise: Promise<unknown> } };
  pipelineContext: { getCoder(id: string): SdkCoderInstance };
  descriptor: { pcollections: Record<string, { coderId: string }> };
}

/** A coder instance in the worker. */
export interface SdkCoderInstance {
  decode(reader: unknown, context: number): unknown;
}

/** An operator of the SDK's worker (one transform of a bundle). */
export interface SdkOperator {
  startBundle(): Promise<void>;
  process(wvalue: SdkWindowedValue): unknown;
  finishBundle(): Promise<void>;
}

/** A transform's proto as the worker receives it in a bundle descriptor. */
export interface SdkWorkerTransform {
  spec: { urn: string; payload: Uint8Array };
  inputs: Record<string, string>;
  outputs: Record<string, string>;
}

/** The job service's answer to GetState. */
export interface SdkJobState {
  state: number;
}

/** A submitted job. */
export interface SdkJob {
  getState(): Promise<SdkJobState>;
  cancel(): Promise<void>;
  /** The warnings and errors the job service reported so far. */
  problems(): string[];
  /** Closes the connections to the job service. */
  close(): void;
}

/** The SDK's pieces, loaded once. */
export interface Sdk {
  newPipeline(): SdkPipeline;
  root(p: SdkPipeline): SdkPCollection;
  impulse(): unknown;
  groupByKey(): unknown;
  flatten(): unknown;
  withName<T>(name: string, t: T): T;
  /** `P([...])`: a list of PCollections that a flatten can be applied to. */
  many(pcs: SdkPCollection[]): SdkPCollection;
  bytesCoder: SdkCoder;
  keyedBytesCoder: SdkCoder;
  parDoUrn: string;
  parDoPayload(doFn: { urn: string; payload: Uint8Array }, sideInputs: Record<string, unknown>): Uint8Array;
  decodeParDoPayload(bytes: Uint8Array): { doFn?: { urn: string; payload: Uint8Array }; sideInputs: Record<string, unknown> };
  /** A ParDo's side input as Beam's SideInput message: the iterable view, in the global window. */
  iterableSideInputSpec(): unknown;
  /** The State API key that reads every element of a side input of a transform (global window). */
  sideInputKey(transformId: string, sideInputId: string): unknown;
  /** The elements of a length-delimited stream of `coder`'s encodings (a side input's state). */
  readDelimited(bytes: Uint8Array, coder: SdkCoderInstance): unknown[];
  /** NonPromise: what a receiver returns when it finished synchronously. */
  nonPromise: unknown;
  registerParDoOperator(build: (transformId: string, transform: SdkWorkerTransform, context: SdkOperatorContext) => SdkOperator): void;
  /** A loopback worker pool in this process, listening on `bind`, announced to the runner as `advertise`. */
  startWorkerPool(bind: string, advertise: string): Promise<{ address: string; stop(): Promise<void> }>;
  asExternalEnvironment(env: unknown, address: string): { urn: string };
  submit(proto: SdkPipelineProto, jobEndpoint: string, jobName: string): Promise<SdkJob>;
  terminal: { DONE: number; FAILED: number; CANCELLED: number; all: number[] };
  stateName(state: number): string;
}

let loaded: Sdk | null = null;

/* eslint-disable @typescript-eslint/no-require-imports */
/** The SDK, loaded on first use. */
export function sdk(): Sdk {
  if (loaded) return loaded;
  // The SDK's modules import each other in cycles that resolve only from its index.
  require("apache-beam");
  const req = (m: string) => require(`apache-beam/${m}`);
  const { Pipeline } = req("internal/pipeline");
  const { Root, P } = req("pvalue");
  const internal = req("transforms/internal");
  const { flatten } = req("transforms/flatten");
  const { withName } = req("transforms/transform");
  const { BytesCoder, KVCoder, GlobalWindowCoder } = req("coders/required_coders");
  const { StrUtf8Coder } = req("coders/standard_coders");
  const { Context: CoderContext } = req("coders/coders");
  const runnerApi = req("proto/beam_runner_api");
  const { JobState_Enum } = req("proto/beam_job_api");
  const operators = req("worker/operators");
  const { createStateKey } = req("worker/pardo_context");
  const { parDo } = req("transforms/pardo");
  const environments = req("internal/environments");
  const { JobServiceClient } = req("proto/beam_job_api.client");
  const { ArtifactStagingServiceClient } = req("proto/beam_artifact_api.client");
  const { Struct } = req("proto/google/protobuf/struct");
  const fromSdk = (m: string) => require(require.resolve(m, { paths: [require.resolve("apache-beam")] }));
  const { GrpcTransport } = fromSdk("@protobuf-ts/grpc-transport");
  const grpc = fromSdk("@grpc/grpc-js");
  const { ChannelCredentials } = grpc;
  const { Worker } = req("worker/worker");
  const { beamFnExternalWorkerPoolDefinition } = req("proto/beam_fn_api.grpc-server");
  type SdkWorker = {
    controlClient: Record<string, (...a: unknown[]) => unknown>;
    controlChannel: { removeAllListeners(e: string): void; on(e: string, f: () => void): void };
    dataChannels: Map<string, { close(): void }>;
    stateChannels: Map<string, { close(): void }>;
    activeBundleProcessors: Map<string, unknown>;
    split(request: SplitRequest): Promise<unknown>;
    stop(): void;
  };
  type SplitRequest = { instructionId: string; request: { processBundleSplit: { instructionId: string } } };
  /** Closes what the worker opened (the SDK's own end handler also prints "Control channel closed."). */
  const closeChannels = (worker: SdkWorker) => {
    for (const c of [...worker.dataChannels.values(), ...worker.stateChannels.values()]) {
      try {
        c.close();
      } catch {
        // Best effort, as the SDK's own handler: the runner may have closed it first.
      }
    }
  };
  /**
   * Three fixes to the SDK's worker: it names itself on its streams but not on its
   * GetProcessBundleDescriptor calls, which runners serving several workers on one port
   * (Prism) refuse; it answers a split request for a bundle it is not running (one that
   * ended, or whose descriptor it is still fetching) with an error, which fails the job,
   * where "no split" is the answer; and it prints when the runner ends its control stream.
   */
  const adaptWorker = (worker: SdkWorker, workerId: string) => {
    const client = worker.controlClient;
    const original = client.getProcessBundleDescriptor.bind(client);
    client.getProcessBundleDescriptor = (request: unknown, callback: unknown) => {
      const metadata = new grpc.Metadata();
      metadata.add("worker_id", workerId);
      return original(request, metadata, callback);
    };
    const split = worker.split.bind(worker);
    worker.split = async (request) =>
      worker.activeBundleProcessors.has(request.request.processBundleSplit.instructionId)
        ? split(request)
        : { instructionId: request.instructionId, error: "", response: { oneofKind: "processBundleSplit", processBundleSplit: { primaryRoots: [], residualRoots: [], channelSplits: [] } } };
    worker.controlChannel.removeAllListeners("end");
    worker.controlChannel.on("end", () => closeChannels(worker));
  };
  const { GlobalWindow } = req("values");
  const protobufjs = fromSdk("protobufjs");
  const urns = req("internal/urns");
  const globalWindowCoder = new GlobalWindowCoder();
  loaded = {
    newPipeline: () => new Pipeline(),
    root: (p) => new Root(p),
    impulse: () => internal.impulse(),
    groupByKey: () => internal.groupByKey(),
    flatten: () => flatten(),
    withName: (name, t) => withName(name, t),
    many: (pcs) => P(pcs),
    bytesCoder: new BytesCoder(),
    keyedBytesCoder: new KVCoder(new StrUtf8Coder(), new BytesCoder()),
    parDoUrn: parDo.urn,
    parDoPayload: (doFn, sideInputs) => runnerApi.ParDoPayload.toBinary(runnerApi.ParDoPayload.create({ doFn, sideInputs })),
    decodeParDoPayload: (bytes) => runnerApi.ParDoPayload.fromBinary(bytes),
    iterableSideInputSpec: () => ({
      accessPattern: { urn: "beam:side_input:iterable:v1", payload: new Uint8Array() },
      viewFn: { urn: "unused", payload: new Uint8Array() },
      windowMappingFn: { urn: urns.GLOBAL_WINDOW_MAPPING_FN_URN, payload: new Uint8Array() },
    }),
    sideInputKey: (transformId, sideInputId) => createStateKey(transformId, "beam:side_input:iterable:v1", sideInputId, new GlobalWindow(), globalWindowCoder),
    readDelimited: (bytes, coder) => {
      const reader = new protobufjs.Reader(bytes);
      const out: unknown[] = [];
      while (reader.pos < reader.len) out.push(coder.decode(reader, CoderContext.needsDelimiters));
      return out;
    },
    nonPromise: operators.NonPromise,
    registerParDoOperator: (build) => operators.registerOperatorConstructor(parDo.urn, build),
    startWorkerPool: (bind, advertise) => {
      // The SDK's ExternalWorkerPool, on the interface asked for rather than every one, and stoppable:
      // its own stop leaves the workers' control streams open (the process would not exit).
      const workers = new Map<string, SdkWorker>();
      const server = new grpc.Server();
      server.addService(beamFnExternalWorkerPoolDefinition, {
        startWorker(call: { request: { workerId: string; controlEndpoint?: { url: string } } }, done: (e: null, r: { error: string }) => void) {
          const worker = new Worker(call.request.workerId, { controlUrl: call.request.controlEndpoint?.url }, {});
          adaptWorker(worker, call.request.workerId);
          workers.set(call.request.workerId, worker);
          done(null, { error: "" });
        },
        stopWorker(call: { request: { workerId: string } }, done: (e: null, r: { error: string }) => void) {
          const worker = workers.get(call.request.workerId);
          if (worker) closeChannels(worker), worker.stop();
          workers.delete(call.request.workerId);
          done(null, { error: "" });
        },
      });
      return new Promise((resolve, reject) => {
        server.bindAsync(`${bind}:0`, grpc.ServerCredentials.createInsecure(), (err: Error | null, port: number) => {
          if (err) return reject(err);
          resolve({
            address: `${advertise}:${port}`,
            async stop() {
              for (const w of workers.values()) closeChannels(w), w.stop();
              workers.clear();
              server.forceShutdown();
            },
          });
        });
      });
    },
    asExternalEnvironment: (env, address) => environments.asExternalEnvironment(env, address),
    submit: async (proto, jobEndpoint, jobName) => {
      const transports: { close(): void }[] = [];
      const connect = (host: string) => {
        const t = new GrpcTransport({ host, channelCredentials: ChannelCredentials.createInsecure() });
        transports.push(t);
        return t;
      };
      const close = () => transports.forEach((t) => t.close());
      try {
        const client = new JobServiceClient(connect(jobEndpoint));
        const prepared = await client.prepare({ pipeline: proto, jobName, pipelineOptions: Struct.fromJson({ "beam:option:job_name:v1": jobName }) }).response;
        if (prepared.artifactStagingEndpoint?.url) {
          // Nothing to stage (the code is in this process). The SDK's own offer waits on the call
          // itself, which does not settle against Prism; its status does, once the runner is done.
          const staging = new ArtifactStagingServiceClient(connect(prepared.artifactStagingEndpoint.url)).reverseArtifactRetrievalService();
          await staging.requests.send({ stagingToken: prepared.stagingSessionToken, isLast: false, response: { oneofKind: undefined } });
          await staging.requests.complete();
          const status = await staging.status;
          if (status.code !== "OK") throw new Error(`artifact staging: ${status.code} ${status.detail}`);
        }
        const { jobId } = await client.run({ preparationId: prepared.preparationId, retrievalToken: "" }).response;
        const problems: string[] = [];
        const WARNING = 4;
        const messages = client.getMessageStream({ jobId });
        messages.responses.onMessage((m: { response: { oneofKind?: string; messageResponse?: { importance: number; messageText: string } } }) => {
          const msg = m.response.messageResponse;
          if (msg && msg.importance >= WARNING) problems.push(msg.messageText);
        });
        // The stream ends with an error when the connection is closed after the job.
        messages.responses.onError(() => undefined);
        return {
          problems: () => problems,
          getState: () => client.getState({ jobId }).response,
          cancel: async () => void (await client.cancel({ jobId }).response),
          close,
        };
      } catch (e) {
        close();
        throw e;
      }
    },
    terminal: {
      DONE: JobState_Enum.DONE,
      FAILED: JobState_Enum.FAILED,
      CANCELLED: JobState_Enum.CANCELLED,
      all: [JobState_Enum.DONE, JobState_Enum.FAILED, JobState_Enum.CANCELLED, JobState_Enum.UPDATED, JobState_Enum.DRAINED],
    },
    stateName: (s) => String(JobState_Enum[s] ?? s),
  };
  return loaded;
}
