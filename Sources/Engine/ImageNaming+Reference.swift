import Plan

extension ImageNaming {
    /// The defaults of the distribution reference grammar, which Docker and Podman's compatible
    /// API both list images by: `docker.io/library/busybox:latest` is listed as `busybox:latest`.
    public static let referenceDefaults = ImageNaming(implicitRegistries: ["docker.io/", "index.docker.io/"],
                                                      implicitNamespace: "library/", defaultTag: "latest")
}
