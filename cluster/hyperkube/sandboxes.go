package main

import (
	"context"
	"fmt"
	"os"
	"time"

	remote "k8s.io/cri-client/pkg"
)

// removeSandboxes stops and removes every pod sandbox through the CRI, as `crictl rmp -af` does.
// cluster:down uses it before stopping containerd so that the runtime itself runs CNI DEL for each
// pod: that releases the pod IPs and removes the veths, netns files and masquerade rules, rather
// than leaving them for a forced clean-up to guess at.
func removeSandboxes(endpoint string) int {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	runtime, err := remote.NewRemoteRuntimeService(endpoint, 10*time.Second, nil, nil)
	if err != nil {
		fmt.Fprintf(os.Stderr, "remove-sandboxes: %v\n", err)
		return 1
	}
	sandboxes, err := runtime.ListPodSandbox(ctx, nil)
	if err != nil {
		fmt.Fprintf(os.Stderr, "remove-sandboxes: list: %v\n", err)
		return 1
	}
	failed := 0
	for _, sandbox := range sandboxes {
		if err := runtime.StopPodSandbox(ctx, sandbox.Id); err != nil {
			fmt.Fprintf(os.Stderr, "remove-sandboxes: stop %s: %v\n", sandbox.Id, err)
			failed++
			continue
		}
		if err := runtime.RemovePodSandbox(ctx, sandbox.Id); err != nil {
			fmt.Fprintf(os.Stderr, "remove-sandboxes: remove %s: %v\n", sandbox.Id, err)
			failed++
		}
	}
	fmt.Printf("removed %d of %d pod sandboxes\n", len(sandboxes)-failed, len(sandboxes))
	if failed > 0 {
		return 1
	}
	return 0
}
