package io.blackstart.agent;

/** A container could not be created because its image is not present locally (it must be pulled first). */
public final class ImageMissingException extends RuntimeException {

    public ImageMissingException(String image, Throwable cause) {
        super("image not present locally: " + image, cause);
    }
}
