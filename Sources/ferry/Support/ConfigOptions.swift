import ArgumentParser

/// `--config`, shared by every command that talks to the configured backends.
struct ConfigOptions: ParsableArguments {
    @Option(help: "A YAML or JSON configuration file (default: the environment, e.g. LLM_PROVIDER, USE_VLLM).")
    var config: String?
}
