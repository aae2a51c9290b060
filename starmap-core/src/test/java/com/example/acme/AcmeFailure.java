package com.example.acme;

/**
 * An application's own exception, in a package that no executor allows by default: worker
 * processes and cluster members cannot send it back as itself.
 */
public class AcmeFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the failure.
   *
   * @param message what broke
   */
  public AcmeFailure(String message) {
    super(message);
  }
}
