// hyperkube: one binary that links every cluster component once, dispatching on the name it is
// run as (argv[0], via symlinks) or on its first argument. Linking the apiserver, controller
// manager, scheduler, kubelet and etcd separately would take four times the build time and disk.
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	_ "time/tzdata" // CronJob time zones, as cmd/kube-apiserver does

	"github.com/spf13/cobra"
	"go.etcd.io/etcd/server/v3/etcdmain"
	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"
	_ "k8s.io/component-base/metrics/prometheus/clientgo"
	_ "k8s.io/component-base/metrics/prometheus/version"
	kubectl "k8s.io/kubectl/pkg/cmd"
	kubectlutil "k8s.io/kubectl/pkg/cmd/util"
	apiserver "k8s.io/kubernetes/cmd/kube-apiserver/app"
	controllermanager "k8s.io/kubernetes/cmd/kube-controller-manager/app"
	proxy "k8s.io/kubernetes/cmd/kube-proxy/app"
	scheduler "k8s.io/kubernetes/cmd/kube-scheduler/app"
	kubeadm "k8s.io/kubernetes/cmd/kubeadm/app"
	kubelet "k8s.io/kubernetes/cmd/kubelet/app"
)

var commands = map[string]func() *cobra.Command{
	"kube-apiserver":          apiserver.NewAPIServerCommand,
	"kube-controller-manager": controllermanager.NewControllerManagerCommand,
	"kube-scheduler":          func() *cobra.Command { return scheduler.NewSchedulerCommand() },
	"kubelet":                 func() *cobra.Command { return kubelet.NewKubeletCommand(context.Background()) },
	"kube-proxy":              proxy.NewProxyCommand,
}

// kubeadm and kubectl read os.Args themselves (kubectl for plugins and -v, kubeadm through cobra's
// Execute), so they run with os.Args rewritten to what their own binaries would see, as
// cmd/kubeadm/kubeadm.go and cmd/kubectl/kubectl.go run them. kind runs both inside its nodes.
var programs = map[string]func() int{
	"kubeadm": func() int {
		if kubeadm.Run() != nil {
			return 1
		}
		return 0
	},
	"kubectl": func() int {
		command := kubectl.NewDefaultKubectlCommand()
		if err := cli.RunNoErrOutput(command); err != nil {
			kubectlutil.CheckErr(err)
		}
		return 0
	},
}

func main() {
	name := filepath.Base(os.Args[0])
	args := os.Args[1:]
	if name == "hyperkube" && len(args) > 0 {
		name, args = args[0], args[1:]
	}
	if name == "remove-sandboxes" && len(args) == 1 {
		os.Exit(removeSandboxes(args[0]))
	}
	if name == "etcd" {
		etcdmain.Main(append([]string{"etcd"}, args...))
		return
	}
	if program, ok := programs[name]; ok {
		os.Args = append([]string{name}, args...)
		os.Exit(program())
	}
	newCommand, ok := commands[name]
	if !ok {
		fmt.Fprintf(os.Stderr, "hyperkube: unknown component %q (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubelet, kube-proxy, kubeadm, kubectl, remove-sandboxes ENDPOINT)\n", name)
		os.Exit(2)
	}
	command := newCommand()
	command.SetArgs(args)
	os.Exit(cli.Run(command))
}
