package io.blackstart.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * {@code blackstart completion bash}: the bash completion script picocli generates from the command tree, on
 * standard output; {@code source <(blackstart completion bash)} installs it for the shell.
 */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Print the shell completion script of every subcommand and option.",
                "Install it with: source <(blackstart completion bash)  (e.g. in ~/.bashrc)."})
final class CompletionCommand implements Callable<Integer> {

    /** The shells there is a script for. */
    enum Shell { bash }

    @Parameters(paramLabel = "SHELL", description = "The shell: ${COMPLETION-CANDIDATES} (zsh too, with "
            + "bashcompinit).")
    Shell shell;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        CommandLine root = spec.root().commandLine();
        String script = AutoComplete.bash(root.getCommandName(), Blackstart.commandLine());
        spec.commandLine().getOut().print(script);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
