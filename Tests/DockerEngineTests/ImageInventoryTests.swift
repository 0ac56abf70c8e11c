@testable import DockerEngine
import Foundation
import Plan
import Testing

/// The images the inventory reports are normalised as the manifest's names are
/// (`ImageNaming.canonical`), whether the engine lists them Docker's way or Podman's.
struct ImageInventoryTests {
    func images(listed answer: String) throws -> Set<String> {
        let transport = RecordingTransport(apiVersion: "1.41")
        transport.script("GET", "/v1.41/images/json", 200, answer)
        return try DockerEngine(endpoint: "e", transport: transport).inventory().images
    }

    /// Podman 4.3's answer (measured, ENGINE.md): every name fully qualified.
    static let podman = #"""
    [{"Id":"sha256:3f57d9401f8d","ParentId":"","RepoTags":["docker.io/library/busybox:latest","docker.io/team/tools:1.2","quay.io/podman/hello:latest","localhost/scratch:1.0"],"RepoDigests":["docker.io/library/busybox@sha256:5acba83a746c","quay.io/podman/hello@sha256:b7d6fe7d"],"Created":1733900000,"Size":4261550,"SharedSize":0,"VirtualSize":4261550,"Labels":null,"Containers":0,"Names":["docker.io/library/busybox:latest"]}]
    """#

    /// Docker 20.10's answer for the same images: short names, and `<none>` for an untagged one.
    static let docker = #"""
    [{"Containers":-1,"Created":1733900000,"Id":"sha256:3f57d9401f8d","Labels":null,"ParentId":"","RepoDigests":["busybox@sha256:5acba83a746c","quay.io/podman/hello@sha256:b7d6fe7d"],"RepoTags":["busybox:latest","team/tools:1.2","quay.io/podman/hello:latest","localhost/scratch:1.0"],"SharedSize":-1,"Size":4261550,"VirtualSize":4261550},{"Containers":-1,"Created":1733800000,"Id":"sha256:0000aaaa","Labels":null,"ParentId":"","RepoDigests":["<none>@<none>"],"RepoTags":["<none>:<none>"],"SharedSize":-1,"Size":1,"VirtualSize":1}]
    """#

    static let expected: Set<String> = [
        "busybox:latest", "team/tools:1.2", "quay.io/podman/hello:latest", "localhost/scratch:1.0",
        "busybox@sha256:5acba83a746c", "quay.io/podman/hello@sha256:b7d6fe7d",
    ]

    @Test func podmansFullyQualifiedNamesAreNormalised() throws {
        #expect(try images(listed: Self.podman) == Self.expected)
    }

    @Test func dockersShortNamesAreKept() throws {
        #expect(try images(listed: Self.docker) == Self.expected)
    }

    /// Every way a manifest may spell these images finds them, on either engine.
    @Test(arguments: ["busybox", "busybox:latest", "library/busybox", "docker.io/busybox", "docker.io/library/busybox:latest",
                      "index.docker.io/library/busybox", "team/tools:1.2", "docker.io/team/tools:1.2",
                      "busybox@sha256:5acba83a746c", "docker.io/library/busybox@sha256:5acba83a746c",
                      "quay.io/podman/hello", "localhost/scratch:1.0"])
    func theManifestsSpellingsMatch(_ written: String) throws {
        for answer in [Self.podman, Self.docker] {
            #expect(try images(listed: answer).contains(ImageNaming.referenceDefaults.canonical(written)), "\(written)")
        }
    }

    /// `localhost/` is a registry to Docker's reference grammar, and Podman's name for an image
    /// imported or built with podman itself: not the Docker Hub image of the same short name.
    @Test func localhostIsNotDockerHub() throws {
        for answer in [Self.podman, Self.docker] {
            #expect(try !images(listed: answer).contains(ImageNaming.referenceDefaults.canonical("scratch:1.0")))
        }
    }
}
